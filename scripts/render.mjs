// Renders an executed notebook as a stand-alone tutorial page: markdown with math
// typeset at build time (KaTeX), highlighted code, outputs, and no request that leaves
// the site folder (plotly.js comes from assets/, once per page).
import { createRequire } from 'node:module';
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

/** Markdown with $...$ and $$...$$ typeset by KaTeX; a LaTeX error stops the build. */
export function renderMarkdown(md, where) {
  const math = [];
  const keep = (html) => `\u0000${math.push(html) - 1}\u0000`;
  // Code is left alone; math is cut out before markdown can mangle its underscores.
  const parts = md.split(/(```[\s\S]*?```|`[^`\n]*`)/g);
  const protectedMd = parts
    .map((part, i) => {
      if (i % 2 === 1) return part;
      return part
        .replace(/\\\$/g, () => keep('$'))
        .replace(/\$\$([\s\S]+?)\$\$/g, (_, tex) => keep(typeset(tex, true, where)))
        .replace(/\$([^$\n]+?)\$/g, (_, tex) => keep(typeset(tex, false, where)));
    })
    .join('');
  // Wide tables scroll inside their own box instead of widening a phone's page.
  const html = marked.parse(protectedMd, { gfm: true })
    .replace(/<table>/g, '<div class="scroll"><table>')
    .replace(/<\/table>/g, '</table></div>');
  return html.replace(/\u0000(\d+)\u0000/g, (_, i) => math[Number(i)]);
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

function renderOutput(out) {
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

/** Title (the first # heading) and summary (the paragraph after it) of a notebook. */
export function notebookInfo(nb) {
  const first = nb.cells.find((c) => c.cell_type === 'markdown');
  const md = first ? text(first.source) : '';
  const title = (md.match(/^#\s+(.+)$/m) ?? [, 'Untitled'])[1].trim();
  const after = md.replace(/^#\s+.+$/m, '').trim().split(/\n\s*\n/)[0] ?? '';
  return { title, summary: after.replace(/\s+/g, ' ').trim() };
}

/** The <article> body of a chapter page. */
export function renderNotebook(nb, name) {
  return nb.cells
    .map((cell, i) => {
      const src = text(cell.source);
      const where = `${name}, cell ${i + 1}`;
      if (cell.cell_type === 'markdown') return `<section class="md">${renderMarkdown(src, where)}</section>`;
      if (cell.cell_type !== 'code') return '';
      // A prose cell reads as prose: the paragraph it wrote, without its code or an output frame.
      if (isProseCell(cell)) {
        return (cell.outputs ?? []).map((o) => {
          const md = o.data?.['text/markdown'];
          // data-cell: the live page finds the cell (and its hidden code) by it.
          return md ? `<section class="md" data-cell="${i}">${renderMarkdown(text(md), where)}</section>` : renderOutput(o);
        }).join('\n');
      }
      const code = hljs.highlight(src, { language: 'typescript' }).value;
      const outputs = (cell.outputs ?? []).map(renderOutput).filter(Boolean).join('\n');
      return `<div class="cell" data-cell="${i}"><pre class="code"><code class="hljs language-typescript">${code}</code></pre>${outputs ? `<div class="outputs">${outputs}</div>` : ''}</div>`;
    })
    .join('\n');
}

export function page({ title, body, head = '', nav = '', courseTitle }) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="assets/katex/katex.min.css">
<link rel="stylesheet" href="assets/course.css">
${head}
</head>
<body>
<header class="site"><a href="index.html">${escapeHtml(courseTitle)}</a></header>
${nav}
<main>
${body}
</main>
${nav}
</body>
</html>
`;
}
