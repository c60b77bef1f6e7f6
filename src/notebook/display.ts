/**
 * The one door to the notebook front end: tslab's kernel in Node, the live page's kernel in
 * a browser (src/platform/). Outside a kernel there is nowhere to show output, and this
 * module says so in words (tslab itself throws "Not ready").
 */
import { platform } from '../platform';
import type { UpdatableDisplay } from '../platform';

/** True inside a kernel that is executing a cell. */
export function inKernel(): boolean {
  return platform.frontend.inKernel();
}

function requireKernel(what: string): void {
  if (!inKernel()) {
    throw new Error(`${what} shows output in a Jupyter notebook and needs the tslab kernel; outside one, use the functions that return HTML (plotHtml, tableHtml)`);
  }
}

export function displayHtml(html: string): void {
  requireKernel('displayHtml');
  platform.frontend.display({ 'text/html': html });
}

/** A display whose HTML can be replaced in place (for live plots and progress). */
export interface HtmlDisplay {
  html(html: string): void;
}

/** A display that can be overwritten in place (for live plots and progress). */
export function newDisplay(): HtmlDisplay {
  requireKernel('newDisplay');
  const d: UpdatableDisplay = platform.frontend.newDisplay();
  return { html: (html) => d.show({ 'text/html': html }) };
}

/**
 * Shows one output of several formats (a MIME bundle) with its metadata, as Jupyter's
 * display_data message carries them (tslab's own display functions send one format and no
 * metadata; src/platform/node.ts sends the bundle).
 */
export function displayData(data: Record<string, string>, metadata: Record<string, unknown> = {}): void {
  requireKernel('displayData');
  platform.frontend.display(data, metadata);
}
