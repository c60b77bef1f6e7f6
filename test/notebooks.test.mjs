// The notebooks are sources: no outputs, no execution counts, and each chapter opens the same way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { authorText, problems, unprintedNumbers } from '../scripts/notebook.mjs';

const dir = new URL('../notebooks/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.ipynb'));

test('chapters are named NN-name.ipynb and numbered 1, 2, 3... in reading order', () => {
  assert.ok(files.length >= 1);
  files.sort().forEach((f, i) => assert.match(f, new RegExp(`^${String(i + 1).padStart(2, '0')}-[a-z0-9-]+\\.ipynb$`)));
});

for (const f of files) {
  test(`${f} is a clean source and opens with the title and the setup cell`, () => {
    const nb = JSON.parse(readFileSync(new URL(f, dir), 'utf8'));
    assert.deepEqual(problems(nb), []);
    const [title, ...rest] = nb.cells;
    assert.equal(title.cell_type, 'markdown');
    assert.match([].concat(title.source).join(''), new RegExp(`^# ${Number(f.slice(0, 2))}\\. `));
    const setup = rest.find((c) => c.cell_type === 'code');
    assert.match([].concat(setup.source).join(''), /await K\.setupChapter\(\);/);
  });
}

test('text meant for authors is recognised, reader text is not', () => {
  for (const leak of ['%% md', 'x\n%% code\ny', 'Lines above are instructions only; do not paste them.',
    'Names introduced: heStd, reluQuestion', 'paste the block below, then from-text.', 'TODO: check the number', 'FIXME', 'XXX here']) {
    assert.notEqual(authorText(leak), null, leak);
  }
  for (const prose of ['The %% of ...', 'A mode of 50%% md', 'He et al. introduced the names heNormal', 'Todo list', 'a text form with cell markers']) {
    assert.equal(authorText(prose), null, prose);
  }
  assert.equal(authorText('first line\n%% md\nthird'), '%% md');
});

test('a number in the prose must have been printed above it (or be a setting in the code)', () => {
  const md = (text) => ({ cell_type: 'markdown', source: text });
  const code = (source, text) => ({ cell_type: 'code', source, outputs: text === undefined ? [] : [{ output_type: 'stream', name: 'stdout', text }] });
  const html = (source, h) => ({ cell_type: 'code', source, outputs: [{ output_type: 'display_data', data: { 'text/html': h } }] });
  const nb = (...cells) => ({ cells });
  const flagged = (n, allowed) => unprintedNumbers(n, allowed).map((u) => u.number);
  // Printed above, exactly or to more digits; a setting in any code cell; a table's cell.
  assert.deepEqual(flagged(nb(code('run()', 'slope 1.4669, ratio 8.00e-13\n'), md('The slope, 1.467 (about 1.47), and 8.0e-13.'))), []);
  assert.deepEqual(flagged(nb(md('At a learning rate of 0.01:'), code('train({ learningRate: 0.01 })', ''))), []);
  assert.deepEqual(flagged(nb(html('K.table(rows)', '<table><td>&minus;0.2889</td></table>'), md('The slope is −0.2889.'))), []);
  // Stale, printed only below, or drawn in a chart's data but never printed.
  assert.deepEqual(flagged(nb(code('run()', 'accuracy 0.503\n'), md('It reaches 0.516.'))), ['0.516']);
  assert.deepEqual(flagged(nb(md('It reaches 0.503.'), code('run()', 'accuracy 0.503\n'))), ['0.503']);
  assert.deepEqual(flagged(nb(html('K.plot(t)', '<div></div><script>Plotly.newPlot("p", [{"y": [0.731]}])</script>'), md('It peaks at 0.731.'))), ['0.731']);
  // A rounding must be a rounding: 1.46 is not 1.4669 to two decimals.
  assert.deepEqual(flagged(nb(code('run()', '1.4669\n'), md('About 1.46.'))), ['1.46']);
  // Not prose numbers: integers, code spans, links, arXiv identifiers, the References; and what is allowed.
  assert.deepEqual(flagged(nb(md('Width 512, seed 7, `K.f(0.25)`, [paper](https://x.org/a/1.2345), arXiv:1611.01232, 3.5 in the paper.'),
    md('## References\n- A. (2017), section 8.4, doi 10.1038/323533a0')), ['3.5']), []);
  assert.deepEqual(flagged(nb(md('Width 512, 3.5 in the paper.'))), ['3.5']);
});
