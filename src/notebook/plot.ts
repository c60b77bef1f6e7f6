import { createHash } from 'crypto';
import { readFileSync } from 'fs';
import { displayHtml } from './display';

export type Trace = Record<string, unknown>;

export interface PlotOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  /** Logarithmic axes. */
  logX?: boolean;
  logY?: boolean;
  /**
   * On a logarithmic axis, one labelled tick every this many decades. By default an axis
   * over at most 4 decades labels 1, 2 and 5 of each, a wider one every power of ten.
   */
  logTickDecades?: number;
  xRange?: [number, number];
  yRange?: [number, number];
  /** Label the x axis at exactly these values (say, the widths of a sweep on a log axis). */
  xTicks?: number[];
  /** Pixels; the width follows the page. */
  height?: number;
  /** Same scale on both axes (decision boundaries, scatter of 2-D data). */
  equalAxes?: boolean;
  /** Anything else, merged into Plotly's layout last. */
  layout?: Record<string, unknown>;
}

export interface Figure {
  data: Trace[];
  layout: Record<string, unknown>;
  config: Record<string, unknown>;
  /** Precomputed states that a slider moves through (see sliderFigure). */
  frames?: { name: string; data: Trace[] }[];
}

/** Okabe & Ito's colour-blind-safe palette, used in order by every chart. */
export const COLORS = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];

const AXIS = { gridcolor: '#e6e6e6', zerolinecolor: '#bdbdbd', linecolor: '#888', ticks: 'outside', automargin: true };

/** A Plotly figure in the course's house style. */
export function figure(data: Trace[], options: PlotOptions = {}): Figure {
  if (!Array.isArray(data) || data.length === 0) {
    throw new Error('figure(data) needs a non-empty array of Plotly traces');
  }
  const axis = (title: string | undefined, log: boolean | undefined, range: [number, number] | undefined, key: 'x' | 'y') => ({
    ...AXIS,
    title: title ? { text: title } : undefined,
    type: log ? 'log' : undefined,
    range: range ? (log ? range.map(Math.log10) : range) : undefined,
    exponentformat: log ? 'power' : undefined,
    // Over a few decades, label 1, 2 and 5 of each; over many, Plotly's powers of ten read better.
    dtick: !log ? undefined : options.logTickDecades ?? (decades(data, key, range) <= 4 ? 'D2' : undefined),
  });
  const layout: Record<string, unknown> = {
    title: options.title ? { text: options.title, x: 0, xanchor: 'left', font: { size: 17 } } : undefined,
    xaxis: {
      ...axis(options.xTitle, options.logX, options.xRange, 'x'),
      ...(options.xTicks ? { tickvals: options.xTicks, dtick: undefined } : {}),
    },
    yaxis: {
      ...axis(options.yTitle, options.logY, options.yRange, 'y'),
      ...(options.equalAxes ? { scaleanchor: 'x', scaleratio: 1 } : {}),
    },
    height: options.height ?? 420,
    margin: { l: 70, r: 20, t: options.title ? 60 : 24, b: 60 },
    font: { family: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif', size: 13, color: '#222' },
    colorway: COLORS,
    plot_bgcolor: '#fff',
    paper_bgcolor: '#fff',
    legend: { bgcolor: 'rgba(255,255,255,0.8)' },
    hovermode: 'closest',
    ...options.layout,
  };
  return { data, layout: dropUndefined(layout), config: { responsive: true, displaylogo: false } };
}

/** How many decades the positive values of the traces' x or y span (or the given range). */
function decades(data: Trace[], key: 'x' | 'y', range?: [number, number]): number {
  if (range) return Math.log10(range[1] / range[0]);
  let lo = Infinity;
  let hi = -Infinity;
  for (const trace of data) {
    const values = trace[key];
    if (!Array.isArray(values)) continue;
    for (const v of values) {
      if (typeof v === 'number' && v > 0 && Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
  }
  return hi > lo ? Math.log10(hi / lo) : 0;
}

function dropUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(o));
}

let plotCount = 0;

/**
 * The HTML of one chart: a div and a script that draws into it with Plotly once
 * Plotly is on the page (plotlyBundleHtml puts it there once per notebook).
 */
export function plotHtml(fig: Figure): string {
  const json = JSON.stringify(fig).replace(/</g, '\\u003c');
  // A stable id (content plus order) keeps two open notebooks from sharing one.
  const id = `plot-${createHash('sha1').update(json).digest('hex').slice(0, 10)}-${++plotCount}`;
  const height = Number(fig.layout.height) || 420;
  return [
    `<div id="${id}" class="course-plot" style="width:100%;height:${height}px"></div>`,
    '<script>',
    `(function () { var f = ${json}, tries = 0;`,
    '  function draw() {',
    `    var el = document.getElementById(${JSON.stringify(id)});`,
    '    if (window.Plotly && el) { window.Plotly.newPlot(el, f); return; }',
    '    if (++tries < 200) { setTimeout(draw, 50); return; }',
    "    if (el) el.textContent = 'This chart needs plotly.js, which did not load: run the notebook\\'s first cell (and trust the notebook).';",
    '  }',
    '  draw(); })();',
    '</script>',
  ].join('\n');
}

/** Marks the script that carries plotly.js, so the site build can swap it for a shared file. */
export const PLOTLY_MARKER = 'data-course-asset="plotly"';

/**
 * plotly.js itself (the cartesian bundle: scatter, bar, histogram, heatmap, contour, box,
 * violin and the layout components, 1.5 MB instead of 4.8), as one script element. Classic Jupyter pages load RequireJS, which
 * would capture the bundle as an AMD module; hiding `define` makes it set window.Plotly.
 */
export function plotlyBundleHtml(): string {
  const bundle = readFileSync(require.resolve('plotly.js-cartesian-dist-min/plotly-cartesian.min.js'), 'utf8');
  return `<script ${PLOTLY_MARKER}>(function () { var d = window.define; window.define = undefined; try {\n${bundle.replace(/<\/script/gi, '<\\/script')}\n} finally { window.define = d; } })();</script>`;
}

/** Shows a chart in the notebook. Outside a kernel use figure() and plotHtml(). */
export function plot(data: Trace[], options: PlotOptions = {}): void {
  displayHtml(plotHtml(figure(data, options)));
}

export interface SliderStep {
  /** The slider's label for this state, e.g. "σ = 0.05". */
  label: string;
  /** The traces shown in this state: the same traces, in the same order, in every step. */
  data: Trace[];
}

export interface SliderOptions extends PlotOptions {
  /** What the slider moves through, shown before the current label. */
  sliderTitle: string;
  /** The step shown first (default 0). */
  active?: number;
}

/**
 * A figure with a slider that moves through precomputed states (Plotly frames): it works
 * in a notebook and in the exported page alike, with no kernel behind it. Give the axes
 * fixed ranges (xRange, yRange) so that the states compare at a glance.
 */
export function sliderFigure(steps: SliderStep[], options: SliderOptions): Figure {
  if (!Array.isArray(steps) || steps.length < 2) throw new Error('sliderFigure needs at least two steps, each { label, data }');
  const active = options.active ?? 0;
  if (!Number.isInteger(active) || active < 0 || active >= steps.length) {
    throw new Error(`active must be a step index from 0 to ${steps.length - 1}, got ${active}`);
  }
  const traces = steps[0].data.length;
  steps.forEach((s, i) => {
    if (!Array.isArray(s.data) || s.data.length !== traces) {
      throw new Error(`steps[${i}].data must hold ${traces} traces, like steps[0] (a slider changes traces, it cannot add them)`);
    }
  });
  const fig = figure(steps[active].data, options);
  const margin = fig.layout.margin as Record<string, number>;
  fig.layout.margin = { ...margin, b: margin.b + 70 };
  fig.layout.height = (Number(fig.layout.height) || 420) + 70;
  fig.layout.sliders = [{
    active,
    currentvalue: { prefix: `${options.sliderTitle}: `, font: { size: 14 } },
    pad: { t: 55, l: 10, r: 10 },
    steps: steps.map((s, i) => ({
      label: s.label,
      method: 'animate',
      args: [[`step-${i}`], { mode: 'immediate', frame: { duration: 0, redraw: true }, transition: { duration: 0 } }],
    })),
  }];
  fig.frames = steps.map((s, i) => ({ name: `step-${i}`, data: s.data }));
  return fig;
}

/** Shows a chart with a slider (see sliderFigure). */
export function sliderPlot(steps: SliderStep[], options: SliderOptions): void {
  displayHtml(plotHtml(sliderFigure(steps, options)));
}
