import { escapeHtml } from '../core/html';
import { displayHtml } from './display';

export type Cell = string | number | boolean | null | undefined;

export interface TableOptions {
  /** Column headers, in order; defaults to the keys of the first row. */
  columns?: string[];
  /** Significant digits for numbers (default 4); integers are printed whole. */
  digits?: number;
  caption?: string;
}

/** A number as a reader wants it: whole numbers below a million whole, others to `digits` significant digits. */
export function formatNumber(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return String(v);
  // Counts and other whole numbers print whole; a float that happens to be whole
  // (a float32 variance of 196343488, say) reads better in exponent form.
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(digits - 1).replace(/\.?0+e/, 'e').replace('e+', 'e');
  return String(Number(v.toPrecision(digits)));
}

/** An HTML table of rows (objects keyed by column); numbers right-aligned. */
export function tableHtml(rows: Record<string, Cell>[], options: TableOptions = {}): string {
  if (!Array.isArray(rows) || rows.length === 0) throw new Error('table(rows) needs a non-empty array of row objects');
  const columns = options.columns ?? Object.keys(rows[0]);
  const cell = (v: Cell) =>
    typeof v === 'number'
      ? `<td class="num">${formatNumber(v, options.digits)}</td>`
      : `<td>${escapeHtml(v === null || v === undefined ? '' : String(v))}</td>`;
  return [
    '<table class="course-table">',
    options.caption ? `<caption>${escapeHtml(options.caption)}</caption>` : '',
    `<thead><tr>${columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead>`,
    `<tbody>${rows.map((r) => `<tr>${columns.map((c) => cell(r[c])).join('')}</tr>`).join('')}</tbody>`,
    '</table>',
  ].join('');
}

/** Shows a table in the notebook. Outside a kernel use tableHtml(). */
export function table(rows: Record<string, Cell>[], options: TableOptions = {}): void {
  displayHtml(tableHtml(rows, options));
}
