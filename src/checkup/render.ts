/**
 * The init report in the notebook (chapter 9): a table with a line per layer and its verdict,
 * the model's line (the initial loss) and the skipped layers; and makemore-style histograms,
 * one curve per layer, of the activations, the kernel gradients or the weights.
 */
import { checkOneOf } from '../core/checks';
import { displayHtml } from '../notebook/display';
import { COLORS, Figure, figure, plotHtml } from '../notebook/plot';
import { Cell, table } from '../notebook/table';
import type { InitReport, LayerReport } from './report';
import { Verdict, num } from './verdicts';

const MARK = { ok: '✔', warn: '⚠', bad: '✘' } as const;

const say = (v: Verdict) => `${MARK[v.level]} ${v.what}${v.fix ? `. Fix: ${v.fix}.` : '.'}`;

/** One table row per layer (and one for the model, and one per skipped layer), for K.table. */
export function reportRows(report: InitReport): Record<string, Cell>[] {
  const rows: Record<string, Cell>[] = report.layers.map((l) => layerRow(report, l));
  // A verdict that repeats the line above word for word (a deep stack drawn alike) is not written again.
  for (let i = rows.length - 1; i > 0; i--) {
    if (rows[i].verdict === rows[i - 1].verdict && report.layers[i].verdicts.some((v) => v.level !== 'ok')) rows[i].verdict = '〃 (as the line above)';
  }
  rows.push({
    layer: 'model', kernel: `batch of ${report.batchSize}`, activation: report.output,
    weights: '', activations: `loss ${num(report.loss)} (best constant ${num(report.constantLoss)})`,
    'saturated / dead': '', 'gradient std': '', '‖g‖/‖W‖': '', 'update/‖W‖': '',
    verdict: report.verdicts.map(say).join(' '),
  });
  for (const s of report.skipped) rows.push({ layer: `${s.name} (${s.type})`, kernel: 'skipped', verdict: s.reason });
  return rows;
}

function layerRow(report: InitReport, l: LayerReport): Record<string, Cell> {
  const a = l.activations;
  const health = a.saturated !== null
    ? `${(100 * a.saturated).toFixed(1)}% saturated`
    : a.deadUnits !== null ? `${a.deadUnits} of ${a.units} dead` : '';
  return {
    layer: `${l.name} (${l.type})`,
    kernel: `[${l.kernelShape.join(', ')}], fans ${l.fanIn} → ${l.fanOut}`,
    activation: l.activation + (l.via.length ? ` (${l.via.join(', ')})` : ''),
    weights: `std ${num(l.weight.stats.std)}: ${l.weight.rule}`,
    activations: `${num(a.mean)} ± ${num(a.std)}`,
    'saturated / dead': health,
    'gradient std': num(l.gradient.std),
    '‖g‖/‖W‖': l.gradient.toWeight === null ? '' : num(l.gradient.toWeight),
    'update/‖W‖': l.update.toWeight === null ? '' : num(l.update.toWeight),
    verdict: l.verdicts.map(say).join(' '),
  };
}

/**
 * Shows the report as a table: per layer its kernel and fans, the activation after it, the
 * weights' std and the rule it matches, the activations' mean ± std, the saturated share or
 * the dead units, the kernel gradient's std and its norm over the kernel's, one optimizer
 * step over the kernel (the update-to-weight ratio), and the verdict (what is wrong, the fix).
 */
export function reportTable(report: InitReport, caption?: string): void {
  table(reportRows(report), {
    caption: caption ?? `Init report: one batch of ${report.batchSize}, one ${report.optimizer} step at learning rate ${report.learningRate}; ✘ harmful, ⚠ worth fixing, ✔ fine`,
  });
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
