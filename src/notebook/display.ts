/**
 * The one door to the notebook front end. tslab's display functions throw "Not ready"
 * outside a kernel; this module says so in words instead.
 */
import type { Display } from 'tslab';

function tslab(): typeof import('tslab') {
  return require('tslab');
}

/** True inside a tslab kernel that is executing a cell. */
export function inKernel(): boolean {
  try {
    // lastWriteDisplayData is set by the kernel while a cell runs.
    return require('tslab/dist/jupyter').lastWriteDisplayData != null;
  } catch {
    return false;
  }
}

function requireKernel(what: string): void {
  if (!inKernel()) {
    throw new Error(`${what} shows output in a Jupyter notebook and needs the tslab kernel; outside one, use the functions that return HTML (plotHtml, tableHtml)`);
  }
}

export function displayHtml(html: string): void {
  requireKernel('displayHtml');
  tslab().display.html(html);
}

/** A display that can be overwritten in place (for live plots and progress). */
export function newDisplay(): Display {
  requireKernel('newDisplay');
  return tslab().newDisplay();
}

/**
 * Shows one output of several formats (a MIME bundle) with its metadata, as Jupyter's
 * display_data message carries them; tslab's display functions send one format and no
 * metadata.
 */
export function displayData(data: Record<string, string>, metadata: Record<string, unknown> = {}): void {
  requireKernel('displayData');
  require('tslab/dist/jupyter').lastWriteDisplayData({ data, metadata, transient: {} }, false);
}
