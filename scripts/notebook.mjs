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
