/**
 * A cell's outputs on the live page, drawn from the kernel's messages with the markup the
 * site's build gives them (scripts/render.mjs), so that a live output looks like the static
 * one it replaces: text in <pre class="output">, stderr and errors in red, rich HTML in
 * <div class="output rich"> with its scripts run (charts draw themselves), long text folded.
 */
import { PLOTLY_MARKER } from '../../notebook/plot';
import type { DisplayContent, ErrorContent, Message, StreamContent } from '../kernel/messages';
import { renderMarkdown } from './markdown';

/** Output longer than this many lines is folded, as the build folds it. */
const FOLD_LINES = 25;
/**
 * A display updated in place (a live chart, a progress bar) is redrawn at most this often:
 * a chart is drawn anew each time, which on a slow machine would keep the page's thread busy
 * and the page from scrolling. The last update is always drawn.
 */
const REDRAW_MS = 400;

export class OutputArea {
  /** The outputs of each display id, to replace on update_display_data. */
  private displays = new Map<string, HTMLElement[]>();
  private lastStream: { name: string; pre: HTMLElement; text: string } | null = null;
  /** The latest update of each display not drawn yet, and when a display was last drawn. */
  private pending = new Map<string, Record<string, string>>();
  private drawn = 0;
  private timer = 0;

  /** `prose`: the outputs of a prose cell, whose markdown reads as the page's prose. */
  constructor(readonly element: HTMLElement, private readonly prose = false) {}

  clear(): void {
    purgeCharts(this.element);
    this.element.replaceChildren();
    this.displays.clear();
    this.pending.clear();
    this.lastStream = null;
  }

  get empty(): boolean {
    return this.element.childElementCount === 0;
  }

  /** Adds (or updates) what an iopub message shows; other messages are ignored. */
  add(msg: Message<unknown>): void {
    switch (msg.header.msg_type) {
      case 'stream':
        this.stream(msg.content as StreamContent);
        break;
      case 'display_data':
      case 'execute_result':
        this.display(msg.content as DisplayContent);
        break;
      case 'update_display_data':
        this.update(msg.content as DisplayContent);
        break;
      case 'error':
        this.error(msg.content as ErrorContent);
        break;
    }
  }

  /** Draws the updates still waiting, and folds long text, as the build does (when the cell has finished). */
  fold(): void {
    this.flush();
    for (const pre of Array.from(this.element.querySelectorAll(':scope > pre.output'))) {
      const lines = (pre.textContent ?? '').split('\n').length;
      if (lines <= FOLD_LINES) continue;
      const details = document.createElement('details');
      details.className = 'fold';
      const summary = document.createElement('summary');
      summary.textContent = `Show the output (${lines} lines)`;
      pre.replaceWith(details);
      details.append(summary, pre);
    }
    this.lastStream = null;
  }

  private stream({ name, text }: StreamContent): void {
    // Consecutive writes to one stream are one output, as in a saved notebook.
    if (this.lastStream && this.lastStream.name === name && this.element.lastElementChild === this.lastStream.pre) {
      this.lastStream.text += text;
    } else {
      const pre = document.createElement('pre');
      pre.className = name === 'stderr' ? 'output stderr' : 'output';
      this.element.append(pre);
      this.lastStream = { name, pre, text };
    }
    this.lastStream.pre.textContent = this.lastStream.text.replace(/\n$/, '');
  }

  private error(e: ErrorContent): void {
    const pre = document.createElement('pre');
    pre.className = 'output stderr live-error';
    pre.textContent = `${e.ename}: ${e.evalue}`;
    const where = e.traceback.slice(1).map((l) => l.trim());
    if (where.length) {
      const span = document.createElement('span');
      span.className = 'live-where';
      span.textContent = `\n${where.join('\n')}`;
      pre.append(span);
    }
    this.element.append(pre);
    this.lastStream = null;
  }

  private display({ data, transient }: DisplayContent): void {
    const el = render(data, this.prose);
    this.lastStream = null;
    if (!el) return;
    this.element.append(el);
    announce(el);
    const id = transient?.display_id;
    if (id) this.displays.set(id, [el]);
  }

  private update({ data, transient }: DisplayContent): void {
    const id = transient?.display_id;
    if (!id || !this.displays.has(id)) return;
    this.pending.set(id, data);
    if (this.timer) return;
    const wait = Math.max(0, this.drawn + REDRAW_MS - performance.now());
    this.timer = window.setTimeout(() => requestAnimationFrame(() => this.flush()), wait);
  }

  /** Draws the latest update of every display that has one waiting. */
  private flush(): void {
    window.clearTimeout(this.timer);
    this.timer = 0;
    for (const [id, data] of this.pending) {
      const old = this.displays.get(id);
      if (!old) continue;
      const el = render(data, this.prose) ?? document.createElement('div');
      purgeCharts(old[0]);
      old[0].replaceWith(el);
      announce(el);
      this.displays.set(id, [el]);
    }
    this.pending.clear();
    this.drawn = performance.now();
  }
}

/**
 * One output element for a MIME bundle, as scripts/render.mjs renders it (null: nothing to
 * show). A prose cell's markdown is a section of prose, as the build renders it; its source
 * stays on the element (data-markdown), for the tests to compare with the build's.
 */
export function render(data: Record<string, string>, prose = false): HTMLElement | null {
  if (prose && data['text/markdown'] !== undefined) {
    const section = document.createElement('section');
    section.className = 'md';
    section.innerHTML = renderMarkdown(data['text/markdown']);
    section.dataset.markdown = data['text/markdown'];
    return section;
  }
  const html = data['text/html'];
  if (html !== undefined) {
    // JupyterLab's pages need plotly.js put on them; this page has it.
    if (html.includes(PLOTLY_MARKER)) return null;
    return rich(html);
  }
  if (data['image/svg+xml'] !== undefined) return rich(data['image/svg+xml']);
  if (data['image/png'] !== undefined) return rich(`<img alt="" src="data:image/png;base64,${data['image/png']}">`);
  if (data['text/markdown'] !== undefined) {
    const div = rich(renderMarkdown(data['text/markdown']));
    div.dataset.markdown = data['text/markdown'];
    return div;
  }
  if (data['text/plain'] !== undefined) {
    const pre = document.createElement('pre');
    pre.className = 'output';
    pre.textContent = data['text/plain'];
    return pre;
  }
  return null;
}

/**
 * Tells the page that an output arrived (a `course-output` event that bubbles from it), for
 * what restyles outputs after the page has loaded: a dark theme redraws its charts.
 */
function announce(el: HTMLElement): void {
  el.dispatchEvent(new CustomEvent('course-output', { bubbles: true }));
}

/** Lets Plotly drop what it keeps for the charts under `root`, before they leave the page. */
function purgeCharts(root: HTMLElement): void {
  const plotly = (window as unknown as { Plotly?: { purge(el: HTMLElement): void } }).Plotly;
  if (!plotly) return;
  for (const el of Array.from(root.querySelectorAll<HTMLElement>('.course-plot'))) plotly.purge(el);
}

function rich(html: string): HTMLElement {
  const div = document.createElement('div');
  div.className = 'output rich';
  div.innerHTML = html;
  // Scripts set by innerHTML do not run; a copy put in its place does (this is how a chart draws).
  for (const old of Array.from(div.querySelectorAll('script'))) {
    const script = document.createElement('script');
    for (const { name, value } of Array.from(old.attributes)) script.setAttribute(name, value);
    script.textContent = old.textContent;
    old.replaceWith(script);
  }
  return div;
}
