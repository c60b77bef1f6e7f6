/**
 * The init report in the notebook (chapter 9): a table with a line per layer and its verdict,
 * the model's line (the initial loss) and the skipped layers; and makemore-style histograms,
 * one curve per layer, of the activations, the kernel gradients or the weights.
 */
import { checkOneOf } from '../core/checks';
import { displayHtml } from '../notebook/display';
import { COLORS, Figure, figure, plotHtml } from '../notebook/plot';
import { Cell } from '../notebook/table';
import { escapeHtml } from '../core/html';
import type { InitReport, LayerReport } from './report';
import { INIT_PROBLEMS, Verdict, num } from './verdicts';

const MARK = { ok: '✔', warn: '⚠', bad: '✘' } as const;
const TINT = { ok: '#f1f8f1', warn: '#fff6e6', bad: '#fdecea' } as const;

const say = (v: Verdict) => `${MARK[v.level]} ${v.what}${v.fix ? `. Fix: ${v.fix}.` : '.'}`;

/** The numbers of a layer's line: fans, activation, weights, activations, health, gradient, update. */
function layerCells(l: LayerReport): Record<string, Cell> {
  const a = l.activations;
  const health = a.saturated !== null
    ? `${(100 * a.saturated).toFixed(1)}% saturated`
    : a.deadUnits !== null ? `${a.deadUnits} of ${a.units} dead` : '';
  const dense = l.kernelShape.length === 2;
  return {
    layer: l.name,
    type: l.type,
    fans: dense ? `${l.fanIn} → ${l.fanOut}` : `[${l.kernelShape.join(', ')}]: ${l.fanIn} → ${l.fanOut}`,
    activation: l.activation + (l.via.length ? ` (${l.via.join(', ')})` : ''),
    weights: `std ${num(l.weight.stats.std)}: ${l.weight.rule}`,
    'mean ± std': `${num(a.mean)} ± ${num(a.std)}`,
    'saturated / dead': health,
    'gradient std': num(l.gradient.std),
    '‖g‖/‖W‖': l.gradient.toWeight === null ? '' : num(l.gradient.toWeight),
    'update/‖W‖': l.update.toWeight === null ? '' : num(l.update.toWeight),
  };
}

/** A verdict in a few words, for a line that repeats the one above it. */
function shortForm(v: Verdict, l: LayerReport): string {
  const a = l.activations;
  switch (v.problem) {
    case 'truncationPitfall': return `${l.weight.rule} again`;
    case 'saturation': return `${(100 * (a.saturated ?? 0)).toFixed(0)}% saturated`;
    case 'deadUnits': return `${a.deadUnits} of ${a.units} units dead`;
    case 'vanishingSignal':
    case 'explodingSignal': return `the signal at ${num(a.signal)} of the input's rms (this layer: × ${num(a.gain)})`;
    case 'updateSize': return `one step moves it by ${num(l.update.toWeight ?? 0)} of its norm`;
    default: return v.problem ? INIT_PROBLEMS[v.problem] : v.what;
  }
}

/**
 * The report as rows (objects keyed by column, with the verdict in its own key), one per layer,
 * one for the model and one per skipped layer: what reportTable shows, for tests and other
 * renderers. A verdict that repeats one of the line above (the same problem and fix: a deep
 * stack drawn alike) is written in a few words.
 */
export function reportRows(report: InitReport): Record<string, Cell>[] {
  const rows: Record<string, Cell>[] = report.layers.map((l, i) => {
    const above = i > 0 ? report.layers[i - 1].verdicts : [];
    const said = l.verdicts.map((v) => (v.level !== 'ok' && above.some((u) => u.problem === v.problem && u.level === v.level && u.fix === v.fix)
      ? `${MARK[v.level]} ${shortForm(v, l)}, as on the line above.`
      : say(v)));
    return { ...layerCells(l), verdict: said.join(' ') };
  });
  rows.push({
    layer: 'model', type: `batch of ${report.batchSize}`, activation: report.output,
    summary: `initial loss ${num(report.loss)}; best constant prediction ${num(report.constantLoss)}${report.balanced ? ` (ln ${report.classes})` : ' (the prior\'s entropy)'}`,
    verdict: report.verdicts.map(say).join(' '),
  });
  for (const s of report.skipped) rows.push({ layer: s.name, type: s.type, summary: 'skipped', verdict: s.reason });
  return rows;
}

const worst = (vs: Verdict[]): keyof typeof TINT => (vs.some((v) => v.level === 'bad') ? 'bad' : vs.some((v) => v.level === 'warn') ? 'warn' : 'ok');

const NUMBERS = ['weights', 'mean ± std', 'saturated / dead', 'gradient std', '‖g‖/‖W‖', 'update/‖W‖'];

/**
 * The report's table as HTML: each line's numbers, then its verdict across the whole width,
 * tinted by how bad it is. Each number's cell carries its column's name (data-label): on a
 * phone the site's style sheet stacks a line's cells under its name, each with its label,
 * instead of a table eight columns wide.
 */
export function reportHtml(report: InitReport, caption?: string): string {
  const rows = reportRows(report);
  const levels = [...report.layers.map((l) => worst(l.verdicts)), worst(report.verdicts), ...report.skipped.map(() => 'ok' as const)];
  const text = (v: Cell) => escapeHtml(v === undefined || v === null ? '' : String(v));
  const width = NUMBERS.length + 1;
  const cellStyle = 'padding:.3rem .45rem;text-align:left'; // JupyterLab right-aligns table cells: the verdicts are prose
  const body = rows.map((r, i) => {
    const tint = TINT[levels[i]];
    const second = [r.type, r.fans, r.activation].filter((x) => x !== undefined && x !== '').map(text).join(', ');
    const head = `<td style="${cellStyle}">${text(r.layer)}<br><span style="color:#666;font-size:12px">${second}</span></td>`;
    const numbers = r.summary !== undefined
      ? `<td colspan="${NUMBERS.length}" style="${cellStyle}">${text(r.summary)}</td>`
      : NUMBERS.map((c) => `<td data-label="${escapeHtml(c)}" style="${cellStyle}">${text(r[c])}</td>`).join('');
    // The tints are light, so the text says its colour: in a dark JupyterLab it would be light too.
    return `<tr style="background:${tint};color:#1f2328">${head}${numbers}</tr>` +
      `<tr class="verdict" style="background:${tint};color:#1f2328"><td colspan="${width}" style="padding:.1rem .45rem .45rem 1.5rem;font-size:13px;text-align:left">${text(r.verdict)}</td></tr>`;
  }).join('');
  const title = caption ?? `Init report: one batch of ${report.batchSize}, one ${report.optimizer} step at learning rate ${report.learningRate}; ✘ harmful, ⚠ worth fixing, ✔ fine`;
  const header = ['layer', ...NUMBERS].map((c) => `<th style="${cellStyle}">${escapeHtml(c)}</th>`).join('');
  return `<table class="course-table course-report"><caption style="text-align:left">${escapeHtml(title)}</caption><thead><tr>${header}</tr></thead><tbody>${body}</tbody></table>`;
}

/**
 * Shows the report as a table: per layer its fans, the activation after it, the weights' std
 * and the rule it matches, the activations' mean ± std, the saturated share or the dead units,
 * the kernel gradient's std and its norm over the kernel's, one optimizer step over the kernel
 * (the update-to-weight ratio); under each line its verdict (what is wrong, and the fix), and
 * the model's line (the initial loss) and the skipped layers last.
 */
export function reportTable(report: InitReport, caption?: string): void {
  displayHtml(reportHtml(report, caption));
}

export const HISTOGRAM_KINDS = ['activation', 'gradient', 'weight'] as const;
export type HistogramKind = (typeof HISTOGRAM_KINDS)[number];

/**
 * The figure of reportHistograms: one density curve per layer (the output layer's logits
 * included for 'activation' only if `withOutput`).
 */
export function histogramFigure(report: InitReport, kind: HistogramKind, options: { title?: string; withOutput?: boolean } = {}): Figure {
  checkOneOf('kind', kind, HISTOGRAM_KINDS);
  const layers = report.layers.filter((l) => !l.isOutput || options.withOutput || kind !== 'activation');
  const traces = layers.map((l, i) => {
    const h = l.histograms[kind];
    const a = l.activations;
    const extra = kind !== 'activation' ? '' : a.saturated !== null ? `, ${(100 * a.saturated).toFixed(1)}% saturated` : a.zeros !== null ? `, ${(100 * a.zeros).toFixed(0)}% zeros (not drawn)` : '';
    const stats = kind === 'activation' ? `mean ${num(a.mean)}, std ${num(a.std)}` : kind === 'gradient' ? `std ${num(l.gradient.std)}` : `std ${num(l.weight.stats.std)}`;
    return {
      x: h.centers, y: h.density, mode: 'lines', line: { color: COLORS[i % COLORS.length], width: 2 },
      name: `${l.name} (${l.isOutput && kind === 'activation' ? 'logits' : l.activation}): ${stats}${extra}`,
    };
  });
  const what = { activation: 'activations', gradient: 'kernel gradients', weight: 'weights' }[kind];
  return figure(traces, {
    title: options.title ?? `The ${what}, layer by layer`,
    xTitle: kind === 'activation' ? 'activation value' : kind === 'gradient' ? 'dLoss/dW' : 'weight',
    yTitle: 'density',
    layout: { legend: { orientation: 'h', y: -0.25 } },
    height: 460,
  });
}

/** Shows histogramFigure: the makemore-style view of a layer-by-layer distribution. */
export function reportHistograms(report: InitReport, kind: HistogramKind, options: { title?: string; withOutput?: boolean } = {}): void {
  displayHtml(plotHtml(histogramFigure(report, kind, options)));
}
