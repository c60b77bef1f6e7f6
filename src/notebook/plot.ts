import { stringHash } from '../core/hash';
import { escapeHtml } from '../core/html';
import { platform } from '../platform';
import { displayHtml } from './display';
import { formatNumber } from './table';

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
   * over at most 4 decades labels 1, 2 and 5 of each, written out in full (0.05, 0.1, 0.2,
   * or 2×10⁻⁶ outside 0.001 to 10⁵), a wider one every power of ten.
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
  return styledFigure(data, options, data);
}

/** figure(), with the log axes' ticks chosen to cover every trace in `extent` (a slider's steps). */
function styledFigure(data: Trace[], options: PlotOptions, extent: Trace[]): Figure {
  if (!Array.isArray(data) || data.length === 0) {
    throw new Error('figure(data) needs a non-empty array of Plotly traces');
  }
  const axis = (title: string | undefined, log: boolean | undefined, range: [number, number] | undefined, key: 'x' | 'y') => {
    const span = log ? positiveSpan(extent, key, range) : null;
    // Over a few decades, label 1, 2 and 5 of each, written out: Plotly's own 1-2-5 style ('D2')
    // prints a bare "2" and "5" beside 10⁻¹, which reads as 2 and 5, not 0.2 and 0.05.
    // Over many decades, Plotly's powers of ten read better.
    const oneTwoFive = log && options.logTickDecades === undefined && span !== null && Math.log10(span[1] / span[0]) <= 4;
    return {
      ...AXIS,
      title: title ? { text: title } : undefined,
      type: log ? 'log' : undefined,
      range: range ? (log ? range.map(Math.log10) : range) : undefined,
      exponentformat: log ? 'power' : undefined,
      dtick: log ? options.logTickDecades : undefined,
      ...(oneTwoFive ? oneTwoFiveTicks(span![0], span![1]) : {}),
    };
  };
  const layout: Record<string, unknown> = {
    title: options.title ? { text: options.title, x: 0, xanchor: 'left', font: { size: 17 } } : undefined,
    xaxis: {
      ...axis(options.xTitle, options.logX, options.xRange, 'x'),
      ...(options.xTicks ? { tickvals: options.xTicks, ticktext: undefined, dtick: undefined } : {}),
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
  // The toolbar keeps download, zoom and pan: "Share chart" needs Plotly's cloud (the pages are
  // offline), and box and lasso selection select nothing these charts use.
  const config = { responsive: true, displaylogo: false, modeBarButtonsToRemove: ['sendChartToCloud', 'select2d', 'lasso2d'] };
  return { data, layout: dropUndefined(layout), config };
}

/** The smallest and largest positive values of the traces' x or y (or the given range); null if none. */
function positiveSpan(data: Trace[], key: 'x' | 'y', range?: [number, number]): [number, number] | null {
  if (range) return range;
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
  return hi >= lo ? [lo, hi] : null;
}

const SUPERSCRIPTS = '⁰¹²³⁴⁵⁶⁷⁸⁹';
const superscript = (k: number) => (k < 0 ? '⁻' : '') + String(Math.abs(k)).replace(/\d/g, (d) => SUPERSCRIPTS[Number(d)]);

/** A 1-2-5 tick value as a reader writes it: 0.05, 200, or 2×10⁻⁶ outside 0.001 to 10⁵. */
function logTickLabel(mantissa: number, exponent: number): string {
  const value = Number((mantissa * 10 ** exponent).toPrecision(1));
  if (exponent >= -3 && exponent < 5) return String(value);
  return mantissa === 1 ? `10${superscript(exponent)}` : `${mantissa}×10${superscript(exponent)}`;
}

/** Ticks at 1, 2 and 5 of every decade from the one holding lo to the one holding hi (and one past each end). */
function oneTwoFiveTicks(lo: number, hi: number): { tickvals: number[]; ticktext: string[] } {
  const tickvals: number[] = [];
  const ticktext: string[] = [];
  for (let k = Math.floor(Math.log10(lo)) - 1; k <= Math.ceil(Math.log10(hi)); k++) {
    for (const m of [1, 2, 5]) {
      tickvals.push(Number((m * 10 ** k).toPrecision(1)));
      ticktext.push(logTickLabel(m, k));
    }
  }
  return { tickvals, ticktext };
}

function dropUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(o));
}

let plotCount = 0;

const plainText = (html: unknown) => String(html ?? '').replace(/<br\s*\/?>/gi, ' ').replace(/<[^>]*>/g, '').replace(/\s+/g, ' ').trim();
const num = (v: number) => formatNumber(v, 3);

/** What kind of chart a trace makes, in words. */
function traceKind(t: Trace): string {
  const type = String(t.type ?? 'scatter');
  if (type === 'scatter') return String(t.mode ?? 'lines').includes('lines') ? 'line' : 'scatter';
  return ({ bar: 'bar', histogram: 'histogram', heatmap: 'heatmap', contour: 'contour', box: 'box', violin: 'violin' } as Record<string, string>)[type] ?? type;
}

/** The numbers (finite) and the count of distinct other values of a trace's key, over several traces. */
function extent(traces: Trace[], key: string): { lo: number; hi: number; categories: number } {
  let lo = Infinity;
  let hi = -Infinity;
  const categories = new Set<string>();
  const visit = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (typeof v === 'number' && Number.isFinite(v)) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
    else if (typeof v === 'string') categories.add(v);
  };
  traces.forEach((t) => visit(t[key]));
  return { lo, hi, categories: categories.size };
}

/**
 * A chart's data in one line of words, for readers who cannot see it (the chart's text
 * alternative beside its title): the kind of chart, its series, each axis's title and range,
 * the values of a heat map, and what a slider moves through.
 */
export function describeFigure(fig: Figure): string {
  const traces = [...fig.data, ...(fig.frames ?? []).flatMap((f) => f.data)];
  const kinds = [...new Set(fig.data.map(traceKind))];
  const kind = kinds.length === 1 && ['heatmap', 'contour', 'histogram'].includes(kinds[0])
    ? kinds[0][0].toUpperCase() + kinds[0].slice(1)
    : `${kinds.join(' and ').replace(/^./, (c) => c.toUpperCase())} chart`;
  const names = fig.data.map((t) => plainText(t.name)).filter(Boolean);
  const series = fig.data.length === 1 ? '' : ` of ${fig.data.length} series${names.length ? ` (${names.slice(0, 5).join(', ')}${names.length > 5 ? ` and ${names.length - 5} more` : ''})` : ''}`;
  const axis = (key: 'x' | 'y') => {
    const layoutAxis = (fig.layout[`${key}axis`] ?? {}) as Record<string, unknown>;
    const title = plainText((layoutAxis.title as { text?: string } | undefined)?.text);
    const e = extent(traces, key);
    const log = layoutAxis.type === 'log' && !/\blog\b/i.test(title) ? ', log scale' : '';
    let range = '';
    if (e.hi >= e.lo) range = e.hi === e.lo ? ` ${num(e.lo)}` : ` from ${num(e.lo)} to ${num(e.hi)}`;
    else if (e.categories) range = ` ${e.categories} categories`;
    if (!title && !range) return '';
    return `${key}${title ? ` (${title}${log})` : log ? ` (${log.slice(2)})` : ''}${range}`;
  };
  const parts = [axis('x'), axis('y')].filter(Boolean);
  if (kinds.some((k) => k === 'heatmap' || k === 'contour')) {
    const z = extent(traces, 'z');
    if (z.hi >= z.lo) parts.push(`values from ${num(z.lo)} to ${num(z.hi)}`);
  }
  const slider = (fig.layout.sliders as { currentvalue?: { prefix?: string }; steps?: { label?: string }[] }[] | undefined)?.[0];
  if (slider?.steps?.length) {
    const what = plainText(slider.currentvalue?.prefix).replace(/:\s*$/, '') || 'steps';
    const labels = slider.steps.map((s) => plainText(s.label));
    parts.push(`a slider moves through ${what} in ${labels.length} steps, from ${labels[0]} to ${labels.at(-1)}`);
  }
  return `${kind}${series}${parts.length ? `: ${parts.join('; ')}` : ''}.`;
}

/** The chart's name for a screen reader: its title, or its axes. */
function chartName(fig: Figure): string {
  const title = plainText((fig.layout.title as { text?: string } | undefined)?.text);
  if (title) return `Chart: ${title}`;
  const axisTitle = (key: string) => plainText(((fig.layout[key] as Record<string, unknown> | undefined)?.title as { text?: string } | undefined)?.text);
  const [x, y] = [axisTitle('xaxis'), axisTitle('yaxis')];
  return x && y ? `Chart of ${y} against ${x}` : 'Chart';
}

const attr = (s: string) => escapeHtml(s).replace(/"/g, '&quot;');
/** Hidden from sight, not from screen readers (inline, so it holds in JupyterLab too). */
const VISUALLY_HIDDEN = 'position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0';

/**
 * The HTML of one chart: a div and a script that draws into it with Plotly once Plotly is on
 * the page (plotlyBundleHtml puts it there once per notebook). To a screen reader the div is
 * a figure named by the chart's title and described by a line on its data (describeFigure);
 * not an image, since Plotly's toolbar inside it has buttons. On the course's site, the page's courseCharts draws it (in the page's
 * theme, redrawn when the theme changes); elsewhere Plotly draws it as it is.
 */
export function plotHtml(fig: Figure): string {
  const json = JSON.stringify(fig).replace(/</g, '\\u003c');
  // A stable id (content plus order) keeps two open notebooks from sharing one.
  const id = `plot-${stringHash(json)}-${++plotCount}`;
  const height = Number(fig.layout.height) || 420;
  return [
    `<div class="course-chart"><div id="${id}" class="course-plot" role="figure" aria-label="${attr(chartName(fig))}" aria-describedby="${id}-about" style="width:100%;height:${height}px"></div>`,
    `<p id="${id}-about" class="chart-about" style="${VISUALLY_HIDDEN}">${escapeHtml(describeFigure(fig))}</p></div>`,
    '<script>',
    `(function () { var f = ${json}, tries = 0;`,
    TITLE_WRAP,
    '  function draw() {',
    `    var el = document.getElementById(${JSON.stringify(id)});`,
    '    if (window.Plotly && el) {',
    '      wrapTitle(el);',
    '      if (window.courseCharts) window.courseCharts.draw(el, f); else window.Plotly.newPlot(el, f);',
    "      window.addEventListener('resize', function () { if (wrapTitle(el)) window.Plotly.relayout(el, { 'title.text': f.layout.title.text, 'margin.t': f.layout.margin.t, height: f.layout.height }); });",
    '      return;',
    '    }',
    '    if (++tries < 200) { setTimeout(draw, 50); return; }',
    "    if (el) el.textContent = 'This chart needs plotly.js, which did not load: run the notebook\\'s first cell (and trust the notebook).';",
    '  }',
    '  draw(); })();',
    '</script>',
  ].join('\n');
}

/**
 * Plotly never wraps a title, so on a phone (or a narrow notebook pane) a long one runs off
 * the chart. wrapTitle(el) breaks f's title into lines that fit el's width, measured with the
 * title's own font, and grows the top margin and the height by the added lines; it returns
 * whether anything changed (the resize handler then relayouts).
 */
const TITLE_WRAP = `  var title = f.layout.title && f.layout.title.text, top = (f.layout.margin && f.layout.margin.t) || 60,
      tall = f.layout.height || 420, canvas;
  function wrapTitle(el) {
    var room = el.clientWidth - 16;
    if (!title || room < 120) return false;
    var size = (f.layout.title.font && f.layout.title.font.size) || 17;
    var c = canvas || (canvas = document.createElement('canvas').getContext('2d'));
    c.font = size + 'px ' + ((f.layout.font && f.layout.font.family) || 'sans-serif');
    var words = String(title).split(' '), lines = [], line = '';
    for (var i = 0; i < words.length; i++) {
      var longer = line ? line + ' ' + words[i] : words[i];
      if (line && c.measureText(longer.replace(/<[^>]*>/g, '')).width > room) { lines.push(line); line = words[i]; } else line = longer;
    }
    lines.push(line);
    var text = lines.join('<br>');
    if (text === f.layout.title.text) return false;
    var extra = (lines.length - 1) * Math.round(size * 1.25);
    f.layout.title.text = text;
    f.layout.margin = f.layout.margin || {};
    f.layout.margin.t = top + extra;
    f.layout.height = tall + extra;
    el.style.height = f.layout.height + 'px';
    return true;
  }`;

/** Marks the script that carries plotly.js, so the site build can swap it for a shared file. */
export const PLOTLY_MARKER = 'data-course-asset="plotly"';

/**
 * plotly.js itself (the cartesian bundle: scatter, bar, histogram, heatmap, contour, box,
 * violin and the layout components, 1.5 MB instead of 4.8), as one script element. Classic Jupyter pages load RequireJS, which
 * would capture the bundle as an AMD module; hiding `define` makes it set window.Plotly.
 */
export function plotlyBundleHtml(): string {
  const bundle = platform.packageFile('plotly.js-cartesian-dist-min/plotly-cartesian.min.js');
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
  const fig = styledFigure(steps[active].data, options, steps.flatMap((s) => s.data));
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
