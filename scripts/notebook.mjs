// Writes and checks the course's notebooks as clean sources.
//
//   node scripts/notebook.mjs from-text chapter.txt notebooks/NN-name.ipynb
//       Builds a notebook from a plain text file whose cells start with a line
//       "%% md" (markdown), "%% code" (TypeScript) or "%% prose" (a prose cell: TypeScript
//       `K.md\`...\`` whose input is hidden, see src/notebook/prose.ts). Handy for writing a
//       chapter in an editor; the .ipynb it writes is the source that is committed.
//   node scripts/notebook.mjs to-text notebooks/NN-name.ipynb chapter.txt
//       The reverse, for editing a chapter as text.
//   node scripts/notebook.mjs check [notebooks/*.ipynb]
//       Fails if a notebook has outputs, execution counts or stray metadata.
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const KERNEL_METADATA = {
  kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' },
  language_info: { name: 'typescript', file_extension: '.ts', mimetype: 'text/typescript', codemirror_mode: { name: 'javascript', typescript: true } },
};

/**
 * A prose cell's metadata: JupyterLab shows its input collapsed (source_hidden) and nbconvert's
 * HTML leaves its input out (transient.remove_source), so both show the sentence it writes.
 */
export const PROSE_CELL_METADATA = { jupyter: { source_hidden: true }, transient: { remove_source: true } };
const PROSE_SOURCE = /^K\.md`/;
/** True for a prose cell: a hidden-input code cell that writes a K.md paragraph. */
export const isProseCell = (cell) => cell.cell_type === 'code' && PROSE_SOURCE.test([].concat(cell.source).join(''));

const toSource = (text) => {
  const lines = text.replace(/\s+$/, '').split('\n');
  return lines.map((l, i) => (i < lines.length - 1 ? l + '\n' : l));
};

export function fromText(text) {
  const cells = [];
  let current = null;
  for (const line of text.split('\n')) {
    const m = line.match(/^%% (md|code|prose)\s*$/);
    if (m) {
      current = { kind: m[1], lines: [] };
      cells.push(current);
    } else if (current) {
      current.lines.push(line);
    } else if (line.trim()) {
      throw new Error(`text before the first "%% md", "%% code" or "%% prose" line: ${line}`);
    }
  }
  return {
    cells: cells.map(({ kind, lines }, i) => {
      const source = toSource(lines.join('\n').replace(/^\n+/, ''));
      const id = `cell-${String(i + 1).padStart(3, '0')}`;
      if (kind === 'md') return { cell_type: 'markdown', id, metadata: {}, source };
      if (kind === 'prose' && !PROSE_SOURCE.test(source.join(''))) throw new Error(`cell ${i + 1}: a "%% prose" cell must be K.md\`...\``);
      const metadata = kind === 'prose' ? structuredClone(PROSE_CELL_METADATA) : {};
      return { cell_type: 'code', execution_count: null, id, metadata, outputs: [], source };
    }),
    metadata: KERNEL_METADATA,
    nbformat: 4,
    nbformat_minor: 5,
  };
}

export function toText(nb) {
  const kind = (c) => (c.cell_type === 'markdown' ? 'md' : isProseCell(c) ? 'prose' : 'code');
  return nb.cells.map((c) => `%% ${kind(c)}\n${[].concat(c.source).join('')}\n`).join('\n');
}

/**
 * Text meant for the chapter's authors, never for its readers: the cell markers of the text
 * form, editing instructions, and to-do notes. A cell (or a built page) that holds one has
 * leaked a draft.
 */
export const AUTHOR_TEXT = /^%% (md|code|prose)\b|\bdo not paste\b|\bNames introduced:|\bthen from-text\b|\binstructions only\b|\bTODO\b|\bFIXME\b|\bXXX\b/m;

/** The first line of `text` that is meant for authors, or null. */
export function authorText(text) {
  const m = text.match(AUTHOR_TEXT);
  if (!m) return null;
  const start = text.lastIndexOf('\n', m.index) + 1;
  const end = text.indexOf('\n', m.index);
  return text.slice(start, end < 0 ? undefined : end).trim();
}

// A measured-looking number: a decimal with a fractional part, or one in scientific notation
// (8.00e-13, 1.3e-14). Integers are left out: in prose they are sizes, seeds, years and counts.
const DECIMAL = /(?<![\w.^_{])[−-]?\d+\.\d+(?:e[−-]?\d+)?(?![\w.]*\d)|(?<![\w.^_{])[−-]?\d+e[−-]\d+(?![\w.])/g;
const parseNumber = (s) => Number(s.replace('−', '-'));
// How a prose number is written: its decimals, and whether it is in scientific notation.
function formatLike(token, value) {
  const t = token.replace('−', '-');
  const [mantissa, exp] = t.split('e');
  const decimals = (mantissa.split('.')[1] ?? '').length;
  return exp === undefined ? value.toFixed(decimals) : value.toExponential(decimals).replace('e+', 'e');
}
// Tags, and the scripts of charts (their data is drawn, not printed), of an HTML output.
const htmlText = (h) => h.replace(/<script[\s\S]*?<\/script>/g, ' ').replace(/<[^>]+>/g, ' ')
  .replace(/&minus;/g, '−').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/&nbsp;/g, ' ');

/**
 * The decimal numbers in an executed notebook's prose that no cell above printed (nor wrote
 * in its code): a number in the prose must be one a cell computed, so that a re-run cannot
 * leave a stale one behind. A prose number matches a printed or coded one that rounds to it
 * (the prose's 1.47 matches a printed 1.4669); a number written in any code cell is a setting
 * and may be named before its cell. Code spans, links, arXiv identifiers and the References
 * section are not prose numbers; `allowed` lists values quoted from elsewhere (a paper's
 * printed value, a library's version).
 * Returns [{ cell, number }].
 */
export function unprintedNumbers(nb, allowed = []) {
  const seen = new Set(allowed.map(String));
  const values = [];
  const add = (text) => {
    for (const m of text.matchAll(DECIMAL)) {
      const v = parseNumber(m[0]);
      if (Number.isFinite(v)) values.push(Math.abs(v));
    }
  };
  // A number written in code is a setting (a learning rate, a threshold), which the prose may
  // name before the cell that uses it; a result must have been printed above.
  for (const cell of nb.cells) if (cell.cell_type === 'code') add([].concat(cell.source).join(''));
  const out = [];
  nb.cells.forEach((cell, i) => {
    const source = [].concat(cell.source).join('');
    if (cell.cell_type === 'code') {
      for (const o of cell.outputs ?? []) {
        if (o.text) add([].concat(o.text).join(''));
        const data = o.data ?? {};
        if (data['text/plain']) add([].concat(data['text/plain']).join(''));
        if (data['text/html']) add(htmlText([].concat(data['text/html']).join('')));
      }
      return;
    }
    if (/^#+\s*References\b/m.test(source)) return; // section numbers, DOIs, the papers' own figures
    const prose = source.replace(/`[^`]*`/g, ' ').replace(/\]\([^)]*\)/g, ']').replace(/arXiv:\s*\S+/gi, ' ').replace(/https?:\/\/\S+/g, ' ');
    for (const m of prose.matchAll(DECIMAL)) {
      const token = m[0].replace(/^[−-]/, '');
      if (seen.has(token)) continue;
      const target = formatLike(token, parseNumber(token));
      if (values.some((v) => formatLike(token, v) === target)) continue;
      out.push({ cell: i + 1, number: m[0] });
    }
  });
  return out;
}

// JSON with sorted keys: metadata compares equal whatever order an editor saved it in.
const canonical = (v) => JSON.stringify(v, (_, x) => (x && typeof x === 'object' && !Array.isArray(x)
  ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x));

// A number a sentence states: a decimal, one in scientific notation, or a percentage (94%,
// 12.5%). Integers are left out: in prose they are sizes, seeds, years and counts.
const PROSE_NUMBER = /(?<![\w.^_{])[−-]?(?:\d+\.\d+(?:e[−-]?\d+)?(?![\w.]*\d)|\d+e[−-]\d+(?![\w.])|\d+(?:\.\d+)?%)/g;
const SUPERSCRIPTS = '⁻⁰¹²³⁴⁵⁶⁷⁸⁹';
/** The number a quote's text stands for: −0.289, 1.07 × 10⁻⁷, 94% (as 94). */
export function quotedValue(text) {
  const m = text.match(/^([−-]?\d+(?:\.\d+)?)(?: × 10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+))?(%)?$/);
  if (!m) return NaN;
  const mantissa = Number(m[1].replace('−', '-'));
  const power = m[2] ? Number([...m[2]].map((c) => (c === '⁻' ? '-' : String(SUPERSCRIPTS.indexOf(c) - 1))).join('')) : 0;
  return Number(`${mantissa}e${power}`);
}
/** A quote's value rounded as its rule says, by the rule's own definition. */
function rounded({ value, rule }) {
  if ('sig' in rule) return Number(value.toPrecision(rule.sig));
  if ('fixed' in rule) return Number(value.toFixed(rule.fixed));
  if ('percent' in rule) return Number((value * 100).toFixed(rule.percent));
  return NaN;
}
const proseText = (md) => md.replace(/```[\s\S]*?```/g, ' ').replace(/`[^`]*`/g, ' ').replace(/\]\([^)]*\)/g, ']')
  .replace(/arXiv:\s*\S+/gi, ' ').replace(/https?:\/\/\S+/g, ' ');

/**
 * The numbers in a chapter's prose that no computation of this run produced. Prose states a
 * result only through a prose cell's quote (K.md, src/notebook/prose.ts), so that it is the
 * number this run computed on this backend, never one typed by hand or left stale. A number in
 * a markdown cell must be a setting written in a code cell (a learning rate the prose names) or
 * one quoted from elsewhere (`allowed`: a paper's value, a library's version). In an executed
 * notebook each prose cell's output is checked too: every quote's text is in its paragraph and
 * is its value rounded by its rule, and the paragraph has no number besides its quotes,
 * settings and allowed values. Code, links, arXiv identifiers and the References are not prose.
 * Returns [{ cell, number, why }].
 */
export function typedNumbers(nb, allowed = []) {
  const settings = new Set(allowed.map(String));
  for (const cell of nb.cells) {
    if (cell.cell_type !== 'code' || isProseCell(cell)) continue;
    for (const m of [].concat(cell.source).join('').matchAll(PROSE_NUMBER)) settings.add(m[0].replace(/^[−-]/, ''));
  }
  const out = [];
  const scan = (i, md) => {
    for (const m of proseText(md).matchAll(PROSE_NUMBER)) {
      const token = m[0].replace(/^[−-]/, '');
      if (settings.has(token)) continue;
      out.push({ cell: i + 1, number: m[0], why: 'typed in the prose: quote it from a computed value (K.md) or list where it comes from' });
    }
  };
  nb.cells.forEach((cell, i) => {
    const source = [].concat(cell.source).join('');
    if (cell.cell_type === 'markdown') {
      if (!/^#+\s*References\b/m.test(source)) scan(i, source);
      return;
    }
    if (!isProseCell(cell)) return;
    for (const o of cell.outputs ?? []) {
      const md = [].concat(o.data?.['text/markdown'] ?? []).join('');
      if (!md) continue;
      const quotes = o.metadata?.course?.quotes ?? [];
      for (const q of quotes) {
        if (!md.includes(q.text)) out.push({ cell: i + 1, number: q.text, why: 'a quote that is not in its paragraph' });
        const want = rounded(q);
        const got = quotedValue(q.text);
        if (!(Math.abs(got - want) <= 1e-12 * Math.abs(want))) {
          out.push({ cell: i + 1, number: q.text, why: `does not state ${q.value} rounded by ${JSON.stringify(q.rule)} (${want})` });
        }
      }
      // Subtract the quotes from the text (a quote's own digits are not typed numbers), longest
      // first: a short quote ("0", "1") would otherwise cut a longer one ("0.631", "7.5 × 10⁻⁷") apart.
      let rest = md;
      for (const q of [...quotes].sort((a, b) => b.text.length - a.text.length)) rest = rest.split(q.text).join(' ');
      scan(i, rest);
    }
  });
  return out;
}

/** Problems that make a notebook not a clean source. */
export function problems(nb) {
  const out = [];
  nb.cells.forEach((c, i) => {
    const leaked = authorText([].concat(c.source).join(''));
    if (leaked) out.push(`cell ${i + 1} holds text meant for authors: ${JSON.stringify(leaked.slice(0, 120))}`);
    if (c.cell_type === 'code' && c.outputs?.length) out.push(`cell ${i + 1} has outputs`);
    if (c.cell_type === 'code' && c.execution_count !== null) out.push(`cell ${i + 1} has an execution count`);
    const metadata = c.metadata ?? {};
    if (isProseCell(c)) {
      if (canonical(metadata) !== canonical(PROSE_CELL_METADATA)) {
        out.push(`cell ${i + 1} is a prose cell (K.md\`...\`) and needs exactly the metadata ${JSON.stringify(PROSE_CELL_METADATA)}, has ${JSON.stringify(metadata)}`);
      }
    } else if (Object.keys(metadata).length) {
      out.push(`cell ${i + 1} has metadata ${JSON.stringify(metadata)}`);
    }
  });
  if (nb.metadata?.kernelspec?.name !== 'tslab') out.push('kernelspec is not tslab');
  return out;
}

const [cmd, a, b] = process.argv.slice(2);
if (import.meta.url === `file://${process.argv[1]}`) {
  if (cmd === 'from-text') {
    writeFileSync(b, JSON.stringify(fromText(readFileSync(a, 'utf8')), null, 1) + '\n');
  } else if (cmd === 'to-text') {
    writeFileSync(b, toText(JSON.parse(readFileSync(a, 'utf8'))));
  } else if (cmd === 'check') {
    const files = process.argv.slice(3).length ? process.argv.slice(3) : readdirSync('notebooks').filter((f) => f.endsWith('.ipynb')).map((f) => join('notebooks', f));
    let bad = 0;
    for (const f of files) {
      const p = problems(JSON.parse(readFileSync(f, 'utf8')));
      p.forEach((msg) => console.error(`${f}: ${msg}`));
      bad += p.length;
    }
    if (bad) process.exit(1);
    console.log(`${files.length} notebook(s) are clean sources`);
  } else {
    console.error('usage: node scripts/notebook.mjs from-text IN.txt OUT.ipynb | to-text IN.ipynb OUT.txt | check [FILES]');
    process.exit(2);
  }
}
