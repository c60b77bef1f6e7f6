// Writes and checks the course's notebooks as clean sources.
//
//   node scripts/notebook.mjs from-text chapter.txt notebooks/NN-name.ipynb
//       Builds a notebook from a plain text file whose cells start with a line
//       "%% md" (markdown) or "%% code" (TypeScript). Handy for writing a chapter
//       in an editor; the .ipynb it writes is the source that is committed.
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

const toSource = (text) => {
  const lines = text.replace(/\s+$/, '').split('\n');
  return lines.map((l, i) => (i < lines.length - 1 ? l + '\n' : l));
};

export function fromText(text) {
  const cells = [];
  let current = null;
  for (const line of text.split('\n')) {
    const m = line.match(/^%% (md|code)\s*$/);
    if (m) {
      current = { kind: m[1], lines: [] };
      cells.push(current);
    } else if (current) {
      current.lines.push(line);
    } else if (line.trim()) {
      throw new Error(`text before the first "%% md" or "%% code" line: ${line}`);
    }
  }
  return {
    cells: cells.map(({ kind, lines }, i) => {
      const source = toSource(lines.join('\n').replace(/^\n+/, ''));
      const id = `cell-${String(i + 1).padStart(3, '0')}`;
      return kind === 'md'
        ? { cell_type: 'markdown', id, metadata: {}, source }
        : { cell_type: 'code', execution_count: null, id, metadata: {}, outputs: [], source };
    }),
    metadata: KERNEL_METADATA,
    nbformat: 4,
    nbformat_minor: 5,
  };
}

export function toText(nb) {
  return nb.cells.map((c) => `%% ${c.cell_type === 'markdown' ? 'md' : 'code'}\n${[].concat(c.source).join('')}\n`).join('\n');
}

/**
 * Text meant for the chapter's authors, never for its readers: the cell markers of the text
 * form, editing instructions, and to-do notes. A cell (or a built page) that holds one has
 * leaked a draft.
 */
export const AUTHOR_TEXT = /^%% (md|code)\b|\bdo not paste\b|\bNames introduced:|\bthen from-text\b|\binstructions only\b|\bTODO\b|\bFIXME\b|\bXXX\b/m;

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

/** Problems that make a notebook not a clean source. */
export function problems(nb) {
  const out = [];
  nb.cells.forEach((c, i) => {
    const leaked = authorText([].concat(c.source).join(''));
    if (leaked) out.push(`cell ${i + 1} holds text meant for authors: ${JSON.stringify(leaked.slice(0, 120))}`);
    if (c.cell_type === 'code' && c.outputs?.length) out.push(`cell ${i + 1} has outputs`);
    if (c.cell_type === 'code' && c.execution_count !== null) out.push(`cell ${i + 1} has an execution count`);
    if (c.metadata && Object.keys(c.metadata).length) out.push(`cell ${i + 1} has metadata ${JSON.stringify(c.metadata)}`);
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
