// Renders an executed notebook as a stand-alone tutorial page: markdown with math
// typeset at build time (KaTeX), highlighted code, outputs, and no request that leaves
// the site folder (plotly.js comes from assets/, once per page). page() is the one page
// template of the site: header (search, theme), outline, tools, footer.
import { createRequire } from 'node:module';
import GithubSlugger from 'github-slugger';
import { isProseCell } from './notebook.mjs';
const require = createRequire(import.meta.url);
const { marked } = require('marked');
const katex = require('katex');
const hljs = require('highlight.js/lib/core');
hljs.registerLanguage('typescript', require('highlight.js/lib/languages/typescript'));
hljs.registerLanguage('python', require('highlight.js/lib/languages/python'));
hljs.registerLanguage('bash', require('highlight.js/lib/languages/bash'));

// The course library's own escaping and the marker its plotly.js script carries (dist/ is built first).
export const { escapeHtml } = require('../dist/core/html.js');
const { PLOTLY_MARKER } = require('../dist/notebook/plot.js');
const FOLD_LINES = 25;
const text = (source) => [].concat(source ?? '').join('');
/** Text for an attribute value in double quotes. */
export const escapeAttr = (s) => escapeHtml(String(s)).replace(/"/g, '&quot;');

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
/** The text of a piece of HTML (marked's output): tags dropped, entities decoded, spaces collapsed. */
export function htmlText(html) {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e) => {
      if (e[0] !== '#') return ENTITIES[e.toLowerCase()] ?? m;
      return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
    })
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * What one page collects while its markdown is rendered: a unique id for every heading, and
 * the page's sections (a heading and the prose, math and code that follow it, up to the next
 * heading), which become the page's outline and its entries in the search index.
 */
export class PageContext {
  constructor() {
    this.slugger = new GithubSlugger();
    /** [{ id, level, title, titleHtml, text: [], tex: [], code: [] }] */
    this.sections = [];
  }

  /** A unique id for a heading of this text (GitHub's slugs: "Why: a factor" is why-a-factor). */
  slug(plain) {
    return this.slugger.slug(plain) || this.slugger.slug('section');
  }

  current() {
    if (!this.sections.length) this.sections.push({ id: '', level: 1, title: '', titleHtml: '', text: [], tex: [], code: [] });
    return this.sections.at(-1);
  }
}

/**
 * Markdown with $...$ and $$...$$ typeset by KaTeX; a LaTeX error stops the build. With a
 * PageContext, headings get ids (and a link to themselves) and the text goes to its section.
 */
export function renderMarkdown(md, where, ctx = null) {
  const math = [];
  const keep = (html, tex = null) => `\u0000${math.push({ html, tex }) - 1}\u0000`;
  // Code is left alone; math is cut out before markdown can mangle its underscores.
  const parts = md.split(/(```[\s\S]*?```|`[^`\n]*`)/g);
  const protectedMd = parts
    .map((part, i) => {
      if (i % 2 === 1) return part;
      return part
        .replace(/\\\$/g, () => keep('$'))
        .replace(/\$\$([\s\S]+?)\$\$/g, (_, tex) => keep(typeset(tex, true, where), tex))
        .replace(/\$([^$\n]+?)\$/g, (_, tex) => keep(typeset(tex, false, where), tex));
    })
    .join('');
  const restore = (html) => html.replace(/\u0000(\d+)\u0000/g, (_, i) => math[Number(i)].html);
  // As text (the search index), math is its TeX source.
  const plain = (html) => htmlText(html.replace(/\u0000(\d+)\u0000/g, (_, i) => math[Number(i)].tex ?? '$'));
  const texOf = (html) => [...html.matchAll(/\u0000(\d+)\u0000/g)].map(([, i]) => math[Number(i)].tex).filter(Boolean);
  // Wide tables scroll inside their own box instead of widening a phone's page.
  const tables = (html) => html.replace(/<table>/g, '<div class="scroll"><table>').replace(/<\/table>/g, '</table></div>');

  if (!ctx) return restore(tables(marked.parse(protectedMd, { gfm: true })));

  const tokens = marked.lexer(protectedMd, { gfm: true });
  let html = '';
  let group = [];
  const flush = () => {
    if (!group.length) return;
    group.links = tokens.links;
    const part = tables(marked.parser(group, { gfm: true }));
    const section = ctx.current();
    section.text.push(plain(part));
    section.tex.push(...texOf(part));
    html += part;
    group = [];
  };
  for (const token of tokens) {
    if (token.type !== 'heading') {
      group.push(token);
      continue;
    }
    flush();
    const inner = marked.parseInline(token.text, { gfm: true });
    const title = plain(inner);
    const id = ctx.slug(title);
    ctx.sections.push({ id, level: token.depth, title, titleHtml: restore(inner), text: [], tex: texOf(inner), code: [] });
    // The link to the section sits beside the heading, not in it, so the heading's name is its text.
    html += `<div class="heading"><h${token.depth} id="${escapeAttr(id)}">${inner}</h${token.depth}>` +
      `<a class="anchor" href="#${escapeAttr(id)}" aria-label="Link to the section ${escapeAttr(title)}"></a></div>\n`;
  }
  flush();
  return restore(html);
}

function typeset(tex, displayMode, where) {
  try {
    return katex.renderToString(tex.trim(), { displayMode, throwOnError: true, output: 'html' });
  } catch (e) {
    throw new Error(`${where}: cannot typeset ${displayMode ? '$$' : '$'}${tex}${displayMode ? '$$' : '$'}: ${e.message}`);
  }
}

function fold(body, lines, label) {
  if (lines <= FOLD_LINES) return body;
  return `<details class="fold"><summary>${label} (${lines} lines)</summary>${body}</details>`;
}

function renderOutput(out, ctx) {
  switch (out.output_type) {
    case 'stream': {
      const t = text(out.text).replace(/\n$/, '');
      const cls = out.name === 'stderr' ? 'output stderr' : 'output';
      return fold(`<pre class="${cls}">${escapeHtml(t)}</pre>`, t.split('\n').length, 'Show the output');
    }
    case 'error':
      return `<pre class="output stderr">${escapeHtml(`${out.ename}: ${out.evalue}`)}</pre>`;
    case 'display_data':
    case 'execute_result': {
      const d = out.data ?? {};
      if (d['text/html']) {
        const html = text(d['text/html']);
        if (html.includes(PLOTLY_MARKER)) return ''; // the page loads assets/plotly.min.js instead
        return `<div class="output rich">${html}</div>`;
      }
      if (d['image/svg+xml']) return `<div class="output rich">${text(d['image/svg+xml'])}</div>`;
      if (d['image/png']) return `<div class="output rich"><img alt="" src="data:image/png;base64,${text(d['image/png'])}"></div>`;
      if (d['text/markdown']) return `<div class="output rich">${renderMarkdown(text(d['text/markdown']), 'output')}</div>`;
      if (d['text/plain']) {
        const t = text(d['text/plain']);
        return fold(`<pre class="output">${escapeHtml(t)}</pre>`, t.split('\n').length, 'Show the output');
      }
      return '';
    }
    default:
      return '';
  }
}

/** The markdown of each prose block of a notebook, in order: markdown cells and prose cells' outputs. */
export function proseBlocks(nb) {
  return nb.cells.flatMap((cell, i) => {
    if (cell.cell_type === 'markdown') return [{ cell: i, md: text(cell.source) }];
    if (!isProseCell(cell)) return [];
    return (cell.outputs ?? []).filter((o) => o.data?.['text/markdown']).map((o) => ({ cell: i, md: text(o.data['text/markdown']) }));
  });
}

/** Title (the first # heading) and summary (the paragraph after it) of a notebook. */
export function notebookInfo(nb) {
  const first = nb.cells.find((c) => c.cell_type === 'markdown');
  const md = first ? text(first.source) : '';
  const title = (md.match(/^#\s+(.+)$/m) ?? [, 'Untitled'])[1].trim();
  const after = md.replace(/^#\s+.+$/m, '').trim().split(/\n\s*\n/)[0] ?? '';
  return { title, summary: after.replace(/\s+/g, ' ').trim() };
}

/**
 * A chapter: the <article> body, and its sections ({ id, level, title, titleHtml, text, tex,
 * code }, in order) for the outline and the search index. Prose cells read as markdown cells.
 */
export function renderChapter(nb, name) {
  const ctx = new PageContext();
  const html = nb.cells
    .map((cell, i) => {
      const src = text(cell.source);
      const where = `${name}, cell ${i + 1}`;
      if (cell.cell_type === 'markdown') return `<section class="md">${renderMarkdown(src, where, ctx)}</section>`;
      if (cell.cell_type !== 'code') return '';
      // A prose cell reads as prose: the paragraph it wrote, without its code or an output frame.
      if (isProseCell(cell)) {
        return (cell.outputs ?? []).map((o) => {
          const md = o.data?.['text/markdown'];
          // data-cell: the cell's index in the notebook, by which live mode finds it (and its hidden code).
          return md ? `<section class="md" data-cell="${i}">${renderMarkdown(text(md), where, ctx)}</section>` : renderOutput(o);
        }).join('\n');
      }
      ctx.current().code.push(src);
      const code = hljs.highlight(src, { language: 'typescript' }).value;
      const outputs = (cell.outputs ?? []).map((o) => renderOutput(o)).filter(Boolean).join('\n');
      return `<div class="cell" data-cell="${i}"><pre class="code"><code class="hljs language-typescript">${code}</code></pre>${outputs ? `<div class="outputs">${outputs}</div>` : ''}</div>`;
    })
    .join('\n');
  const sections = ctx.sections.map((s) => ({ ...s, text: s.text.join(' ').trim(), tex: s.tex.join(' '), code: s.code.join('\n') }));
  return { html, sections };
}

/** The <article> body of a chapter page. */
export function renderNotebook(nb, name) {
  return renderChapter(nb, name).html;
}

/**
 * The site's one page template. `outline` is the chapter's navigation panel (a side panel on
 * wide screens, a menu on phones), `tools` the row above the article (downloads; live mode's
 * switch goes there too), `nav` the previous/next links under it, `head` extra elements for
 * <head>. KaTeX's stylesheet is linked only where the page has math. Colours are CSS variables
 * (scripts/assets/course.css), so anything added to a page follows the dark theme.
 */
export function page({ title, body, head = '', nav = '', courseTitle, outline = '', tools = '' }) {
  const math = body.includes('class="katex') ? '<link rel="stylesheet" href="assets/katex/katex.min.css">\n' : '';
  const menu = outline ? '<button type="button" class="menu" aria-expanded="false" aria-controls="outline">Contents</button>' : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<script src="assets/site.js"></script>
${math}<link rel="stylesheet" href="assets/course.css">
${head}
</head>
<body${outline ? ' class="with-outline"' : ''}>
<a class="skip" href="#content">Skip to the content</a>
<header class="site">
${menu}<a class="home" href="index.html">${escapeHtml(courseTitle)}</a>
<div class="search" role="search">
<label class="vh" for="search-input">Search the course</label>
<input id="search-input" type="search" placeholder="Search" autocomplete="off" spellcheck="false" aria-controls="search-results">
<div id="search-results" class="search-results" hidden></div>
<p id="search-status" class="vh" aria-live="polite"></p>
</div>
<button type="button" class="theme" aria-pressed="false"><span aria-hidden="true">&#9790;</span><span class="label">Dark theme</span></button>
</header>
<div class="layout">
${outline}<main id="content" tabindex="-1">
${tools}${body}
</main>
</div>
${nav}
</body>
</html>
`;
}
