// The site's parts that span chapters, on small notebooks made here (no execution, no browser):
// section ids and the outline, prose cells, the search index and its results, the references.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { fromText } from '../scripts/notebook.mjs';
import { renderChapter } from '../scripts/render.mjs';
import { chapterReferences, gatherReferences, markReferences, outlineHtml, referencesBody, searchIndexScript, sourceKey } from '../scripts/site-parts.mjs';

const require = createRequire(import.meta.url);

/** A notebook from text, with a prose cell (issue 23) whose output is `prose`, as executing it would give. */
function notebook(text, prose = null) {
  const nb = fromText(text);
  if (prose) {
    nb.cells.push({
      cell_type: 'code', execution_count: 9, id: 'prose', metadata: { jupyter: { source_hidden: true } }, source: ['K.md`...`'],
      outputs: [{ output_type: 'display_data', data: { 'text/markdown': prose, 'text/plain': prose }, metadata: {} }],
    });
  }
  return nb;
}

const ONE = notebook(`%% md
# 1. Symmetry

Opening words.

## Why $\\sigma_w^2$ matters

The variance $\\chi_1 = \\sigma_w^2 \\mathbb{E}[\\phi'(z)^2]$ sets the gradient's growth.
%% code
const lsuvScale = K.lsuvInit(model);
%% md
## Why $\\sigma_w^2$ matters

A second section with the same title.

### A detail
%% md
## References

- K. He et al., "Delving Deep into Rectifiers" (2015). [arXiv:1502.01852](https://arxiv.org/abs/1502.01852)
- The mup package, [github.com/microsoft/mup](https://github.com/microsoft/mup#coord-check).
`, '## Measured\n\nThe edge of chaos sits at $\\chi_1 = 1$, measured here as 1.002.');

const TWO = notebook(`%% md
# 2. He initialization

A ReLU keeps half. Here the helpers set every layer's scale.

## References

- He, K. et al. (2015). Delving Deep into Rectifiers: Surpassing Human-Level Performance on ImageNet Classification. ICCV. [arXiv:1502.01852](http://www.arxiv.org/abs/1502.01852/)
- Microsoft's mup, [README](https://github.com/microsoft/mup) and [its paper](https://arxiv.org/abs/2203.03466)
- Tensor Programs V. [arXiv:2203.03466](https://arxiv.org/abs/2203.03466)
`);

function chapter(nb, file) {
  const { html, sections } = renderChapter(nb, file);
  return { file, html: file.replace('.ipynb', '.html'), title: sections[0].title, article: html, sections, references: chapterReferences(nb) };
}

test('sections: every heading gets a unique id and a link to itself; prose cells are sections too', () => {
  const ch = chapter(ONE, '01-one.ipynb');
  assert.deepEqual(ch.sections.map((s) => [s.level, s.id]), [
    [1, '1-symmetry'], [2, 'why-sigma_w2-matters'], [2, 'why-sigma_w2-matters-1'], [3, 'a-detail'], [2, 'references'], [2, 'measured'],
  ]);
  for (const s of ch.sections) {
    assert.ok(ch.article.includes(`<h${s.level} id="${s.id}">`), `heading ${s.id}`);
    assert.ok(ch.article.includes(`<a class="anchor" href="#${s.id}"`), `link to ${s.id}`);
  }
  const why = ch.sections[1];
  assert.match(why.titleHtml, /class="katex"/, 'the outline shows the heading with its math typeset');
  assert.equal(why.title, 'Why \\sigma_w^2 matters', 'as text, math is its TeX');
  assert.match(why.text, /\\chi_1 = \\sigma_w\^2/, 'the section text holds its math as TeX');
  assert.equal(why.code, 'const lsuvScale = K.lsuvInit(model);', 'and its code');
  assert.match(ch.sections.at(-1).text, /The edge of chaos sits at \\chi_1 = 1, measured here as 1\.002\./, 'a prose cell reads as prose');
  assert.match(ch.article, /<section class="md" data-cell="\d+"><div class="heading"><h2 id="measured">/, 'rendered as prose, not as an output');
});

test('outline: the chapters, and the current one\'s sections with level 3 nested', () => {
  const chapters = [chapter(ONE, '01-one.ipynb'), chapter(TWO, '02-two.ipynb')];
  const html = outlineHtml(chapters, chapters[0]);
  assert.match(html, /<li class="current"><a href="01-one\.html" aria-current="page">1\. Symmetry<\/a><ol class="sections"><li><a href="#why-sigma_w2-matters">/);
  assert.match(html, /<li><a href="#why-sigma_w2-matters-1">.*?<\/a><ol><li><a href="#a-detail">A detail<\/a><\/li><\/ol><\/li>/);
  assert.match(html, /<li><a href="02-two\.html">2\. He initialization<\/a><\/li>/);
  assert.ok(!html.includes('#1-symmetry'), 'the title is not a section of itself');
  // Balanced lists.
  assert.equal((html.match(/<ol/g) ?? []).length, (html.match(/<\/ol>/g) ?? []).length);
  assert.equal((html.match(/<li/g) ?? []).length, (html.match(/<\/li>/g) ?? []).length);
});

test('search: the index finds prose, math (as TeX, as typed, by name), code and prose cells, with marked snippets', async () => {
  const chapters = [chapter(ONE, '01-one.ipynb'), chapter(TWO, '02-two.ipynb')];
  const global = {};
  new Function('window', searchIndexScript(chapters))(global);
  globalThis.courseSearchData = global.courseSearchData;
  globalThis.MiniSearch = require('minisearch');
  const { search } = require('../scripts/assets/search.js');
  const first = (q) => search(q, 5)[0]?.href;
  assert.equal(first('edge of chaos'), '01-one.html#measured', 'prose written by a prose cell');
  assert.equal(first('He initialization'), '02-two.html#2-he-initialization');
  assert.equal(first('\\chi_1 = \\sigma_w^2'), '01-one.html#why-sigma_w2-matters', 'math as TeX');
  assert.equal(first('χ₁ growth'), '01-one.html#why-sigma_w2-matters', 'Greek as typed');
  assert.equal(first('chi growth'), '01-one.html#why-sigma_w2-matters', 'Greek by name');
  assert.equal(first('lsuvInit'), '01-one.html#why-sigma_w2-matters', 'code');
  const [hit] = search('He', 5);
  assert.ok(!/t<mark>he/i.test(hit.snippet), `only whole words are marked: ${hit.snippet}`);
  // A word under three letters finds itself alone: "He" is not the start of "Here" or "helpers".
  assert.ok(!search('He', 5).some((r) => /<mark>he/i.test(r.snippet.replace(/<mark>He<\/mark>(?![a-z])/g, ''))), 'a short word marks only itself');
  assert.ok(!search('helpers He', 5).some((r) => /<mark>Here/.test(r.snippet)), 'not the start of a longer word');
  // A longer one finds the words it starts, and marks them whole.
  const [part] = search('initializ', 5);
  assert.equal(part?.href, '02-two.html#2-he-initialization');
  assert.match(search('helper', 5)[0]?.snippet ?? '', /<mark>helpers<\/mark>/, 'the start of a word, marked to its end');
  assert.deepEqual(search('nothing like this anywhere', 5), []);
});

test('references: items sharing an address are one source, with the fullest wording and every chapter that cites it', () => {
  assert.equal(sourceKey('https://www.arXiv.org/abs/1502.01852/'), 'arxiv.org/abs/1502.01852');
  assert.equal(sourceKey('http://github.com/microsoft/mup#coord-check'), 'github.com/microsoft/mup');
  const chapters = [chapter(ONE, '01-one.ipynb'), chapter(TWO, '02-two.ipynb')];
  assert.deepEqual(chapters[1].references.map((r) => r.id), ['ref-arxiv-org-abs-1502-01852', 'ref-github-com-microsoft-mup', 'ref-arxiv-org-abs-2203-03466']);
  const sources = gatherReferences(chapters);
  // He (both chapters); mup + Tensor Programs V (chapter 2's mup item links both, so all three items are one).
  assert.equal(sources.length, 2);
  assert.match(sources[0].md, /Surpassing Human-Level Performance/, 'the fullest wording');
  assert.deepEqual(sources[0].citedBy.map((c) => `${c.chapter.html}#${c.id}`), ['01-one.html#ref-arxiv-org-abs-1502-01852', '02-two.html#ref-arxiv-org-abs-1502-01852']);
  assert.deepEqual(sources[1].citedBy.map((c) => c.chapter.html), ['01-one.html', '02-two.html']);
  const body = referencesBody(chapters);
  assert.match(body, /href="02-two\.html#ref-github-com-microsoft-mup"/);
  // The ids land on the chapter's list items, in order.
  const marked = markReferences(chapters[1].article, chapters[1].references);
  assert.deepEqual([...marked.matchAll(/<li id="([^"]+)">/g)].map((m) => m[1]), chapters[1].references.map((r) => r.id));
  assert.throws(() => markReferences('<p>no heading</p>', chapters[1].references), /no References heading/);
});
