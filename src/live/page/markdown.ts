/**
 * Markdown outputs (text/markdown) on the live page: marked for the markdown, KaTeX for
 * $...$ and $$...$$, cut out first so that markdown leaves their underscores alone, as the
 * build's renderer does (scripts/render.mjs). A formula KaTeX cannot typeset is shown as
 * its source, in red, rather than stopping the page.
 */
import katex from 'katex';
import { marked } from 'marked';

function typeset(tex: string, displayMode: boolean): string {
  return katex.renderToString(tex.trim(), { displayMode, throwOnError: false, output: 'html' });
}

export function renderMarkdown(md: string): string {
  const math: string[] = [];
  const keep = (html: string) => `\u0000${math.push(html) - 1}\u0000`;
  const parts = md.split(/(```[\s\S]*?```|`[^`\n]*`)/g);
  const protectedMd = parts
    .map((part, i) => (i % 2 === 1 ? part : part
      .replace(/\\\$/g, () => keep('$'))
      .replace(/\$\$([\s\S]+?)\$\$/g, (_, tex: string) => keep(typeset(tex, true)))
      .replace(/\$([^$\n]+?)\$/g, (_, tex: string) => keep(typeset(tex, false)))))
    .join('');
  const html = (marked.parse(protectedMd, { gfm: true, async: false }) as string)
    .replace(/<table>/g, '<div class="scroll"><table>')
    .replace(/<\/table>/g, '</table></div>');
  return html.replace(/\u0000(\d+)\u0000/g, (_, i: string) => math[Number(i)]);
}
