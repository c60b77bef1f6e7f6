// The parts of the site that span chapters: each chapter's outline (its sections and every
// other chapter), the search index, the references page and the page on running the
// notebooks in JupyterLab. build-site.mjs puts them together; page() (render.mjs) lays them out.
import { createRequire } from 'node:module';
import { escapeAttr, escapeHtml, proseBlocks, renderMarkdown } from './render.mjs';

const require = createRequire(import.meta.url);
const { marked } = require('marked');
const MiniSearch = require('minisearch');
const { SEARCH_OPTIONS } = require('./assets/search.js');

/** The chapter's number, from its file name (06-edge-of-chaos.ipynb is 6). */
export const chapterNumber = (file) => Number(file.slice(0, 2));

/**
 * The navigation panel of a chapter page: every chapter, and under the current one its
 * sections (level 2, with level 3 nested), then the references. Other pages (no `current`)
 * list the chapters alone.
 */
export function outlineHtml(chapters, current = null) {
  const sectionList = (sections) => {
    // [level-2 item, its level-3 items]; a level-3 heading before any level-2 one is listed as one.
    const groups = [];
    for (const s of sections.filter((x) => x.level === 2 || x.level === 3)) {
      if (s.level === 3 && groups.length) groups.at(-1)[1].push(s);
      else groups.push([s, []]);
    }
    if (!groups.length) return '';
    const link = (s) => `<a href="#${escapeAttr(s.id)}">${s.titleHtml}</a>`;
    const item = ([s, subs]) => `<li>${link(s)}${subs.length ? `<ol>${subs.map((x) => `<li>${link(x)}</li>`).join('')}</ol>` : ''}</li>`;
    return `<ol class="sections">${groups.map(item).join('')}</ol>`;
  };
  const items = chapters.map((c) => {
    const here = current && c.html === current.html;
    return `<li${here ? ' class="current"' : ''}><a href="${escapeAttr(c.html)}"${here ? ' aria-current="page"' : ''}>${escapeHtml(c.title)}</a>${here ? sectionList(c.sections) : ''}</li>`;
  });
  return `<nav id="outline" class="outline" aria-label="Chapters and sections">
<p class="outline-head"><a href="index.html">Contents</a></p>
<ol class="chapter-list">${items.join('')}</ol>
<p class="outline-foot"><a href="references.html">References</a></p>
</nav>
`;
}

/** The row above a chapter: the notebook, with and without outputs, and how to run it in JupyterLab. */
export function toolsHtml(chapter, extra = '') {
  const stem = chapter.file.replace(/\.ipynb$/, '');
  return `<div class="page-tools">
<span class="tool-group"><span class="tool-label">Download notebook:</span>
<a href="source/${escapeAttr(chapter.file)}" download="${escapeAttr(chapter.file)}">source<span class="vh"> of ${escapeHtml(chapter.title)}</span> (no outputs)</a>
<a href="notebooks/${escapeAttr(chapter.file)}" download="${escapeAttr(`${stem}.executed.ipynb`)}">executed<span class="vh"> copy of ${escapeHtml(chapter.title)}</span> (with outputs)</a></span>
<a href="jupyterlab.html">Open in JupyterLab</a>${extra}
</div>
`;
}

// ---------------------------------------------------------------------------------------------
// Search

/**
 * The search index (MiniSearch, serialized at build time) and the documents it points at: one
 * per section of every chapter, with the section's prose (math as its TeX source) and code.
 * Written as a script (window.courseSearchData = ...), since a page opened from disk cannot
 * fetch a JSON file but can load a script.
 */
export function searchIndexScript(chapters) {
  const docs = [];
  for (const c of chapters) {
    for (const s of c.sections) {
      if (!s.text && !s.code && !s.title) continue;
      // The opening section's title is the chapter's: it weighs as a section title too.
      docs.push({ id: docs.length, p: c.html, a: s.id, c: c.title, s: s.title, t: s.text, x: s.tex, k: s.code });
    }
  }
  const index = new MiniSearch(SEARCH_OPTIONS);
  index.addAll(docs);
  // The documents are shipped without the TeX field (it repeats what the text holds); the
  // index has it.
  const shipped = docs.map(({ x, ...d }) => d);
  const json = (v) => JSON.stringify(v).replace(/</g, '\\u003c');
  return `window.courseSearchData = { index: ${json(index)}, docs: ${json(shipped)} };\n`;
}

// ---------------------------------------------------------------------------------------------
// References

/** An address as the same source: no scheme, no www., no fragment, no trailing slash. */
export function sourceKey(href) {
  return href.trim().replace(/^https?:\/\//i, '').replace(/^www\./i, '').replace(/#.*$/, '').replace(/\/+$/, '')
    .replace(/^[^/]+/, (host) => host.toLowerCase());
}

function linksOf(tokens, out = []) {
  for (const t of tokens ?? []) {
    if (t.type === 'link') out.push(t.href);
    linksOf(t.tokens, out);
    if (t.items) for (const item of t.items) linksOf(item.tokens, out);
  }
  return out;
}

/** The markdown of a chapter's "References" section: after its heading, up to the next heading of its level or above. */
export function referencesMarkdown(nb) {
  const md = proseBlocks(nb).map((b) => b.md).join('\n\n');
  const lines = md.split('\n');
  const start = lines.findIndex((l) => /^#{1,3}\s+References\s*$/.test(l));
  if (start < 0) return null;
  const level = lines[start].match(/^#+/)[0].length;
  const end = lines.findIndex((l, i) => i > start && (l.match(/^(#+)\s/)?.[1].length ?? 99) <= level);
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

/** The id a reference's list item gets on its chapter's page: from its first link (or its text). */
export function referenceId(item) {
  const basis = item.links[0] ? sourceKey(item.links[0]) : item.text.slice(0, 60);
  return 'ref-' + basis.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);
}

/** The top-level items of a chapter's References list: [{ md, text, links, id }]. */
export function chapterReferences(nb) {
  const md = referencesMarkdown(nb);
  if (md === null) return [];
  const items = marked.lexer(md, { gfm: true }).filter((t) => t.type === 'list').flatMap((list) => list.items);
  const seen = new Map();
  return items.map((item) => {
    const ref = { md: item.text.trim(), text: item.text.replace(/\s+/g, ' ').trim(), links: linksOf(item.tokens) };
    let id = referenceId(ref);
    const n = (seen.get(id) ?? 0) + 1;
    seen.set(id, n);
    if (n > 1) id += `-${n}`;
    return { ...ref, id };
  });
}

/**
 * Gives the References list items of a chapter's rendered HTML their ids, in order, so that
 * the references page can link to each.
 */
export function markReferences(html, refs) {
  if (!refs.length) return html;
  const at = html.search(/<h[1-3] id="references(-\d+)?">/);
  if (at < 0) throw new Error('a chapter lists references but its page has no References heading');
  const rest = html.slice(at);
  const next = rest.slice(1).search(/<div class="heading">/);
  const part = next < 0 ? rest : rest.slice(0, next + 1);
  let i = 0;
  let depth = 0;
  const marked = part.replace(/<(\/?)(ul|ol|li)>/g, (m, close, tag) => {
    if (tag !== 'li') {
      depth += close ? -1 : 1;
      return m;
    }
    if (close || depth !== 1 || i >= refs.length) return m;
    return `<li id="${escapeAttr(refs[i++].id)}">`;
  });
  if (i !== refs.length) throw new Error(`found ${i} of ${refs.length} reference items in the rendered page`);
  return html.slice(0, at) + marked + html.slice(at + part.length);
}

/**
 * Every source the chapters cite, once: items that share an address are one source. Each has
 * the fullest wording any chapter gives it and the chapters that cite it, in order of first
 * citation. [{ md, links, citedBy: [{ chapter, id }] }]
 */
export function gatherReferences(chapters) {
  const sources = [];
  const byKey = new Map();
  for (const chapter of chapters) {
    for (const ref of chapter.references) {
      const keys = ref.links.map(sourceKey);
      // Every source this item shares an address with becomes one (union of their addresses).
      const hits = [...new Set(keys.map((k) => byKey.get(k)).filter(Boolean))];
      let source = hits[0];
      if (!source) {
        source = { md: ref.md, links: [], citedBy: [], keys: new Set() };
        sources.push(source);
      }
      for (const other of hits.slice(1)) {
        source.citedBy.push(...other.citedBy);
        source.links.push(...other.links);
        for (const k of other.keys) source.keys.add(k);
        if (other.md.length > source.md.length) source.md = other.md;
        sources.splice(sources.indexOf(other), 1);
      }
      if (ref.md.length > source.md.length) source.md = ref.md;
      source.links.push(...ref.links);
      for (const k of keys) source.keys.add(k);
      if (!source.citedBy.some((c) => c.chapter === chapter)) source.citedBy.push({ chapter, id: ref.id });
      for (const k of source.keys) byKey.set(k, source);
    }
  }
  for (const s of sources) s.citedBy.sort((a, b) => chapters.indexOf(a.chapter) - chapters.indexOf(b.chapter));
  return sources.map(({ md, links, citedBy }) => ({ md, links: [...new Set(links)], citedBy }));
}

/** The body of references.html. */
export function referencesBody(chapters) {
  const sources = gatherReferences(chapters);
  const items = sources.map((s, i) => {
    const cited = s.citedBy
      .map(({ chapter, id }) => `<a href="${escapeAttr(`${chapter.html}#${id}`)}">${escapeHtml(chapter.title)}</a>`)
      .join('</li><li>');
    return `<li>${renderMarkdown(s.md, `reference ${i + 1}`)}<div class="cited">Cited in <ul><li>${cited}</li></ul></div></li>`;
  });
  return `<article class="references">
<h1>References</h1>
<p class="lead">Every paper and source the chapters cite, in the order the course first cites them (${sources.length} in all), with the chapters that cite each.</p>
<ol class="reference-list">
${items.join('\n')}
</ol>
</article>`;
}

// ---------------------------------------------------------------------------------------------
// Running the notebooks

/**
 * The body of jupyterlab.html: the README's section on opening the notebooks in JupyterLab,
 * as it stands (a chapter's "Open in JupyterLab" points here).
 */
export function jupyterlabBody(readme) {
  const m = readme.match(/^## (.*JupyterLab.*)\n([\s\S]*?)(?=^## |(?![\s\S]))/m);
  if (!m) throw new Error('README.md has no "## ... JupyterLab" section for the site\'s jupyterlab.html');
  return `<article class="jupyterlab">
<h1>${escapeHtml(m[1].trim())}</h1>
<p class="lead">A chapter's notebook imports the course's helper library (<code>../dist/index</code>), so it runs inside the course's folder, where the commands below set everything up. This is the course's README on it.</p>
${renderMarkdown(m[2].trim(), 'README.md')}
</article>`;
}
