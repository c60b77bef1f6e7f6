// What a cell showed, in a form two runs can be compared in: the text of stdout, stderr,
// tables, checker verdicts and progress bars, and each chart's data as arrays. Used by
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
        const item = html ? htmlOutput(html) : { text: [].concat(o.data?.['text/plain'] ?? '').join('') };
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
        if (node.matches('pre.live-error')) list.push({ error: node.firstChild.textContent });
        else if (node.matches('pre.output')) list.push({ stream: node.classList.contains('stderr') ? 'stderr' : 'stdout', text: node.textContent });
        else if (node.matches('.output.rich')) list.push(htmlOutput(node.dataset.html ?? node.innerHTML));
      }
      return list;
    });
  })()`;
}
