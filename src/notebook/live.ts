import { escapeHtml } from '../core/html';
import { HtmlDisplay, inKernel, newDisplay } from './display';
import { Figure, PlotOptions, Trace, figure, plotHtml } from './plot';

/** At most this many updates a second, so a fast loop does not flood the front end. */
const UPDATES_PER_SECOND = 4;

function throttled(show: (html: string) => void) {
  let last = 0;
  return (html: () => string, force = false) => {
    const now = Date.now();
    if (!force && now - last < 1000 / UPDATES_PER_SECOND) return;
    last = now;
    show(html());
  };
}

function display(): HtmlDisplay | null {
  return inKernel() ? newDisplay() : null;
}

export interface LivePlot {
  /** Redraws the chart with these traces (a few times a second at most). */
  update(data: Trace[]): void;
  /** Draws the final chart; it stays as the cell's saved output. */
  finish(data: Trace[]): void;
}

/**
 * A chart that redraws in place while a cell runs (a display updated by id), for
 * training curves. Outside a kernel the updates are dropped and figure() is what tests use.
 */
export function livePlot(options: PlotOptions = {}): LivePlot {
  const d = display();
  const show = throttled((html) => d?.html(html));
  const html = (data: Trace[]) => () => plotHtml(figure(data, options) as Figure);
  return {
    update: (data) => show(html(data)),
    finish: (data) => show(html(data), true),
  };
}

export interface Progress {
  /** Reports that `done` of `total` units of work are finished. */
  tick(done: number): void;
  /** Marks the work finished. */
  finish(): void;
}

/**
 * A progress bar for a cell that runs for more than a few seconds, updated in place.
 * It ends as a one-line record of what ran ("label: 3000 of 3000"), without timings, so
 * the saved output is the same on every run.
 */
export function progress(label: string, total: number): Progress {
  if (!(Number.isInteger(total) && total >= 1)) throw new Error(`total must be a whole number >= 1, got ${total}`);
  const d = display();
  const show = throttled((html) => d?.html(html));
  const bar = (done: number) => () =>
    `<div class="course-progress" style="font:13px system-ui,sans-serif;color:#555">` +
    `<progress max="${total}" value="${done}" style="width:16em;vertical-align:middle"></progress> ` +
    `${escapeHtml(label)}: ${done} of ${total}</div>`;
  show(bar(0), true);
  return {
    tick: (done) => show(bar(Math.min(done, total))),
    finish: () => show(bar(total), true),
  };
}
