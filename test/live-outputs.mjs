// What a cell showed, in a form two runs can be compared in: the text of stdout, stderr,
// tables, checker verdicts and progress bars, a prose cell's markdown, and each chart's data
// as arrays. Used by
// test/live.test.mjs to hold a live run in Chromium to the outputs the build saved.

const FIGURE = /var f = ([\s\S]*?), tries = 0;/;

const decode = (text) => text
  .replace(/<[^>]*>/g, ' ')
  .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')
  .replace(/\s+/g, ' ')
  .trim();

/** One output of HTML (as the kernel sent it): a chart's figure, or its text. */
export function htmlOutput(html) {
  if (html.includes('data-course-asset="plotly"')) return null; // plotly.js itself, for JupyterLab
  const m = html.match(FIGURE);
  if (m) {
    const f = JSON.parse(m[1]);
    return { chart: { data: f.data, frames: f.frames ?? null, title: f.layout?.title?.text ?? null } };
  }
  return { text: decode(html) };
}

/** A saved notebook's outputs, one list per code cell (in order). */
export function notebookOutputs(nb) {
  return nb.cells.filter((c) => c.cell_type === 'code').map((cell) => {
    const list = [];
    for (const o of cell.outputs ?? []) {
      if (o.output_type === 'stream') {
        const text = [].concat(o.text).join('');
        const last = list[list.length - 1];
        if (last && last.stream === o.name) last.text += text;
        else list.push({ stream: o.name, text });
      } else if (o.output_type === 'display_data' || o.output_type === 'execute_result') {
        const html = [].concat(o.data?.['text/html'] ?? '').join('');
        const markdown = o.data?.['text/markdown'];
        const item = html ? htmlOutput(html)
          : markdown !== undefined ? { markdown: [].concat(markdown).join('') }
            : { text: [].concat(o.data?.['text/plain'] ?? '').join('') };
        if (item) list.push(item);
      } else if (o.output_type === 'error') {
        list.push({ error: `${o.ename}: ${o.evalue}` });
      }
    }
    for (const item of list) if ('stream' in item) item.text = item.text.replace(/\n$/, '');
    return list;
  });
}

/**
 * In the page: every live cell's outputs, in the same form (the function is evaluated in
 * the browser, so it is self-contained; htmlOutput's source is passed in).
 */
export function pageOutputsScript() {
  return `(() => {
    const htmlOutput = ${htmlOutput.toString()};
    const FIGURE = ${FIGURE.toString()};
    const decode = ${decode.toString()};
    return [...document.querySelectorAll('.live-cell')].map((cell) => {
      const list = [];
      for (const el of cell.querySelectorAll(':scope > .live-outputs > *')) {
        const node = el.matches('details.fold') ? el.querySelector('pre') : el;
        if (node.dataset.markdown !== undefined) list.push({ markdown: node.dataset.markdown });
        else if (node.matches('pre.live-error')) list.push({ error: node.firstChild.textContent });
        else if (node.matches('pre.output')) list.push({ stream: node.classList.contains('stderr') ? 'stderr' : 'stdout', text: node.textContent });
        else if (node.matches('.output.rich')) list.push(htmlOutput(node.dataset.html ?? node.innerHTML));
      }
      return list;
    });
  })()`;
}

/**
 * Compares two outputs of one cell. Text (stdout, stderr, tables, verdicts, progress) must be
 * equal; a chart's data must have the same shape, strings and flags, and numbers equal within
 * `relTol` relative: JavaScript's Math.exp, log, pow, sin, cos, atan, cbrt and cosh may differ
 * in the last bit between V8 versions (Node 20's and Chromium's differ on 3-10% of random
 * inputs), and chart data are doubles computed with them, printed in full. A last-bit
 * difference is 1.1e-16 relative; a quantity that subtracts nearly equal numbers magnifies it
 * (chapter 6's correlations near 1 take 1 - c: 3.7e-10 measured), and 1e-9 leaves room for
 * that while any real difference in a chart (a changed seed, a changed formula) is far larger.
 * Returns { problems: [...], numbers, differing, largest, largestAt } (numbers compared, how
 * many were not bit-equal, the largest relative difference and where it is).
 */
export function compareCell(want, got, relTol = 1e-9) {
  const stats = { problems: [], numbers: 0, differing: 0, largest: 0, largestAt: '' };
  const walk = (a, b, path) => {
    if (typeof a === 'number' && typeof b === 'number') {
      stats.numbers++;
      if (Object.is(a, b)) return;
      stats.differing++;
      const rel = Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
      if (rel > stats.largest) Object.assign(stats, { largest: rel, largestAt: `${path}: ${b} where the build has ${a}` });
      if (!(rel <= relTol)) stats.problems.push(`${path}: ${b} where the build has ${a}`);
      return;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
      if (a.length !== b.length) stats.problems.push(`${path}: ${b.length} values where the build has ${a.length}`);
      else a.forEach((v, i) => walk(v, b[i], `${path}[${i}]`));
      return;
    }
    if (a && b && typeof a === 'object' && typeof b === 'object') {
      const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
      for (const k of keys) walk(a[k], b[k], `${path}.${k}`);
      return;
    }
    if (a !== b) stats.problems.push(`${path}: ${JSON.stringify(b)?.slice(0, 400)} where the build has ${JSON.stringify(a)?.slice(0, 400)}`);
  };
  if (want.length !== got.length) {
    stats.problems.push(`${got.length} outputs where the build has ${want.length}: ${JSON.stringify(got).slice(0, 600)}`);
    return stats;
  }
  want.forEach((w, i) => walk(w, got[i], `output ${i + 1}`));
  return stats;
}
