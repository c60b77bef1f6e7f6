// Prose cells: the quotes a K.md paragraph makes of computed numbers, and the check that finds
// numbers typed into a chapter's prose (scripts/notebook.mjs typedNumbers).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { K } from './lib.mjs';
import { fromText, isProseCell, problems, PROSE_CELL_METADATA, quotedValue, toText, typedNumbers } from '../scripts/notebook.mjs';

const text = (q) => q.text;

test('sig: significant digits, the minus sign, m × 10ⁿ outside 0.001 to a million', () => {
  assert.deepEqual([0.69314, 1.5, 2.391, -0.28891, 0.00123456, 12345, 999999, 0].map((v) => text(K.sig(v))),
    ['0.693', '1.50', '2.39', '−0.289', '0.00123', '12300', '1.00 × 10⁶', '0']);
  assert.equal(text(K.sig(1.0734e-7)), '1.07 × 10⁻⁷');
  assert.equal(text(K.sig(-2.5e12, 2)), '−2.5 × 10¹²');
  // The form follows the rounded number: 0.000999 to 2 digits is 0.0010, plain; 0.0000999 is not.
  assert.equal(text(K.sig(0.000999, 2)), '0.0010');
  assert.equal(text(K.sig(0.0000999, 2)), '1.0 × 10⁻⁴');
  assert.equal(text(K.sig(123.456, 5)), '123.46');
  assert.deepEqual(K.sig(2.391, 2).rule, { sig: 2 });
});

test('fixed and pct: decimals, and no sign on a rounding that leaves nothing', () => {
  assert.equal(text(K.fixed(0.9412, 2)), '0.94');
  assert.equal(text(K.fixed(-0.004, 2)), '0.00');
  assert.equal(text(K.fixed(-1.25, 1)), '−1.3'); // toFixed's rounding of the float -1.25
  assert.equal(text(K.pct(0.9412)), '94%');
  assert.equal(text(K.pct(0.12345, 1)), '12.3%');
  assert.equal(text(K.pct(-0.0001)), '0%');
});

test('bad quotes get an Error naming the argument', () => {
  assert.throws(() => K.sig(NaN), /sig\(value\) must be a finite number, got NaN/);
  assert.throws(() => K.sig(1, 0), /sig\(digits\) must be a whole number from 1 to 15, got 0/);
  assert.throws(() => K.fixed(Infinity, 2), /fixed\(value\) must be a finite number, got Infinity/);
  assert.throws(() => K.fixed(1, 1.5), /fixed\(digits\) must be a whole number from 0 to 15, got 1.5/);
  assert.throws(() => K.pct('0.5'), /pct\(fraction\) must be a finite number, got "0.5"/);
  assert.throws(() => K.prose`x ${NaN}`, /the value of \$\{\.\.\.\} number 1 is NaN; only finite numbers can be quoted/);
  assert.throws(() => K.prose`x ${1} ${[2]}`, /number 2 must be a number, a string, a quote \(K.sig, K.fixed, K.pct\) or a fragment \(K.prose\), got \[2\]/);
  assert.throws(() => K.prose('x'), /prose is a template tag/);
  // Outside a notebook, md cannot show anything and says so.
  assert.throws(() => K.md`x`, /displayData shows output in a Jupyter notebook and needs the tslab kernel/);
});

test('prose: the template is raw markdown (LaTeX as written), numbers quoted with their rounding', () => {
  const loss = Math.LN2;
  const p = K.prose`A loss of ${K.fixed(loss, 3)} is $\ln 2$, ${K.pct(0.5)} of ${3000} steps; \`code\` and \${not} a value; ${'a word'}; ${0.123456}.`;
  assert.equal(p.markdown, 'A loss of 0.693 is $\\ln 2$, 50% of 3000 steps; `code` and ${not} a value; a word; 0.123.');
  assert.deepEqual(p.quotes.map(({ text, rule }) => [text, rule]), [['0.693', { fixed: 3 }], ['50%', { percent: 0 }], ['3000', { fixed: 0 }], ['0.123', { sig: 3 }]]);
  assert.equal(p.quotes[0].value, loss);
});

test('a K.prose fragment in a template: its markdown and its quotes join the paragraph, in order', () => {
  const clause = (n) => (n > 0 ? K.prose`the first at ${K.sig(0.37912)} of ${n}` : 'none');
  const p = K.prose`Above it ${K.fixed(0.25, 2)}; ${clause(3)}; then ${K.pct(0.5)}, ${clause(0)}.`;
  assert.equal(p.markdown, 'Above it 0.25; the first at 0.379 of 3; then 50%, none.');
  assert.deepEqual(p.quotes.map((q) => q.text), ['0.25', '0.379', '3', '50%']);
  // A fragment's numbers are quotes, so typedNumbers finds nothing typed in the paragraph.
  const nb = { cells: [{ cell_type: 'code', metadata: {}, source: ['K.md`...`'], outputs: [{ output_type: 'display_data',
    data: { 'text/markdown': p.markdown }, metadata: { course: { quotes: p.quotes } } }] }] };
  assert.deepEqual(typedNumbers(nb), []);
});

test('typedNumbers: a short quote does not cut a longer one apart', () => {
  // The quote "0" comes first; subtracted first, it would split "0.631" and "7.5 × 10⁻⁷" and leave "0.63" and "7.5" behind.
  const p = K.prose`Slope ${0}; accuracy ${K.fixed(0.6312, 3)}; a ratio of ${K.sig(7.5e-7, 2)}; ${1} layer.`;
  const nb = { cells: [{ cell_type: 'code', metadata: {}, source: ['K.md`...`'], outputs: [{ output_type: 'display_data',
    data: { 'text/markdown': p.markdown }, metadata: { course: { quotes: p.quotes } } }] }] };
  assert.deepEqual(typedNumbers(nb), []);
});

test('quotedValue reads back every form a quote takes', () => {
  for (const v of [0.69314, -0.28891, 1.0734e-7, -2.5e12, 12345, 0.00123456, 0]) {
    for (const digits of [1, 2, 3, 5]) {
      const q = K.sig(v, digits);
      assert.equal(quotedValue(q.text), Number(v.toPrecision(digits)), `${v} to ${digits}: ${q.text}`);
    }
  }
  assert.equal(quotedValue(K.pct(0.9412, 1).text), 94.1);
  assert.ok(Number.isNaN(quotedValue('about 3')));
});

// An executed prose cell as the kernel leaves it.
const proseCell = (p) => ({ cell_type: 'code', metadata: PROSE_CELL_METADATA, source: 'K.md`...`',
  outputs: [{ output_type: 'display_data', data: { 'text/markdown': p.markdown }, metadata: { course: { quotes: p.quotes } } }] });
const md = (source) => ({ cell_type: 'markdown', source });
const code = (source) => ({ cell_type: 'code', source, outputs: [] });
const flagged = (cells, allowed) => typedNumbers({ cells }, allowed).map((u) => `${u.cell}:${u.number}`);

test('typedNumbers: prose numbers come from quotes, settings in code, or a listed source', () => {
  // Quoted, a setting (even named before its cell), allowed: nothing flagged.
  assert.deepEqual(flagged([md('At a learning rate of 0.05:'), code('train({ lr: 0.05 })'), proseCell(K.prose`It ends at ${K.fixed(0.9412, 2)}.`)]), []);
  assert.deepEqual(flagged([md('TensorFlow.js 4.22 draws 0.88 of it.')], ['4.22', '0.88']), []);
  // Typed by hand, in a markdown cell or in a prose cell's own text; percentages count.
  assert.deepEqual(flagged([code('run()'), md('It reaches 0.516, 94% of the points.')]), ['2:0.516', '2:94%']);
  assert.deepEqual(flagged([proseCell(K.prose`It ends at ${K.fixed(0.9412, 2)}, not 0.95.`)]), ['1:0.95']);
  // A number printed by a cell is not enough any more: it changes with the backend.
  assert.deepEqual(flagged([{ cell_type: 'code', source: 'run()', outputs: [{ output_type: 'stream', name: 'stdout', text: '0.503\n' }] }, md('It reaches 0.503.')]), ['2:0.503']);
  // Not prose numbers: integers, code spans, links, arXiv identifiers, the References.
  assert.deepEqual(flagged([md('Width 512, `K.f(0.25)`, [paper](https://x.org/a/1.2345), arXiv:1611.01232.'), md('## References\n- section 8.4')]), []);
  // A prose cell whose quote does not state its value (an edited output) is caught.
  const p = K.prose`It ends at ${K.fixed(0.9412, 2)}.`;
  const edited = { ...p, quotes: [{ ...p.quotes[0], value: 0.8 }] };
  assert.deepEqual(flagged([proseCell(edited)]), ['1:0.94']);
  const missing = { markdown: 'It ends at 0.9.', quotes: p.quotes };
  assert.deepEqual(typedNumbers({ cells: [proseCell(missing)] }).map((u) => u.why.slice(0, 40)),
    ['a quote that is not in its paragraph', 'typed in the prose: quote it from a comp']);
});

test('prose cells in the text form and as clean sources', () => {
  const nb = fromText('%% md\n# 1. T\n%% code\nconst x = 1;\n%% prose\nK.md`x is ${x}.`\n');
  assert.deepEqual(nb.cells.map(isProseCell), [false, false, true]);
  assert.deepEqual(nb.cells[2].metadata, PROSE_CELL_METADATA);
  assert.deepEqual(problems(nb), []);
  assert.equal(toText(nb), '%% md\n# 1. T\n\n%% code\nconst x = 1;\n\n%% prose\nK.md`x is ${x}.`\n');
  assert.throws(() => fromText('%% prose\nconsole.log(1)\n'), /a "%% prose" cell must be K.md`...`/);
  // The metadata is what shows the sentence instead of its code, so a prose cell without it is a problem.
  const bare = { ...nb, cells: [nb.cells[0], { ...nb.cells[2], metadata: {} }] };
  assert.match(problems(bare).join(), /cell 2 is a prose cell \(K.md`...`\) and needs exactly the metadata/);
  // Key order as an editor may save it does not matter.
  const reordered = { ...nb, cells: [{ ...nb.cells[2], metadata: { transient: { remove_source: true }, jupyter: { source_hidden: true } } }] };
  assert.deepEqual(problems(reordered), []);
});
