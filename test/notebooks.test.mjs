// The notebooks are sources: no outputs, no execution counts, and each chapter opens the same way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { authorText, problems } from '../scripts/notebook.mjs';

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

