import { test } from 'node:test';
import assert from 'node:assert/strict';
import { K } from './lib.mjs';

test('figure applies the house style and the options', () => {
  const f = K.figure([{ x: [1, 2], y: [10, 100] }], { title: 'T', xTitle: 'layer', yTitle: 'variance', logY: true, yRange: [1, 1000] });
  assert.equal(f.layout.title.text, 'T');
  assert.equal(f.layout.xaxis.title.text, 'layer');
  assert.equal(f.layout.yaxis.type, 'log');
  assert.deepEqual(f.layout.yaxis.range, [0, 3], 'log axes take log10 ranges');
  assert.equal(f.layout.xaxis.type, undefined);
  const ticks = Object.fromEntries(f.layout.yaxis.tickvals.map((v, i) => [v, f.layout.yaxis.ticktext[i]]));
  for (const [v, text] of [[1, '1'], [2, '2'], [5, '5'], [200, '200'], [1000, '1000']]) assert.equal(ticks[v], text, 'three decades: 1-2-5 labels');
  assert.equal(f.layout.yaxis.tickvals.length, f.layout.yaxis.ticktext.length);
  const wide = K.figure([{ x: [1, 2], y: [1e-9, 1e9] }], { logY: true });
  assert.equal(wide.layout.yaxis.tickvals, undefined, 'eighteen decades: powers of ten only');
  assert.equal(K.figure([{ x: [1, 2], y: [1, 1e4] }], { logY: true, logTickDecades: 2 }).layout.yaxis.dtick, 2);
});

test('1-2-5 ticks on a short log axis are written out: 0.05 not a bare 5, and m×10ᵏ far from 1', () => {
  const label = (y) => {
    const ax = K.figure([{ x: [1, 2], y }], { logY: true }).layout.yaxis;
    return (v) => ax.ticktext[ax.tickvals.findIndex((t) => Math.abs(t / v - 1) < 1e-9)];
  };
  const loss = label([0.05, 0.25]);
  assert.deepEqual([0.05, 0.1, 0.2].map(loss), ['0.05', '0.1', '0.2']);
  const tiny = label([3e-7, 1e-4]);
  assert.deepEqual([2e-7, 1e-6, 5e-5].map(tiny), ['2×10⁻⁷', '10⁻⁶', '5×10⁻⁵']);
  const big = label([2e4, 3e6]);
  assert.deepEqual([5e4, 1e5, 2e6].map(big), ['50000', '10⁵', '2×10⁶']);
  // Every decade the data touches is labelled at 1, 2 and 5.
  const ax = K.figure([{ x: [1, 2], y: [0.05, 0.25] }], { logY: true }).layout.yaxis;
  for (const v of [0.05, 0.1, 0.2, 0.5]) assert.ok(ax.tickvals.some((t) => Math.abs(t / v - 1) < 1e-9), `a tick at ${v}`);
});

test("a slider's log axis is labelled over every step's data, not only the first step's", () => {
  const step = (y) => ({ label: String(y[1]), data: [{ x: [1, 2], y }] });
  const f = K.sliderFigure([step([0.1, 0.5]), step([1e-3, 8])], { logY: true, sliderTitle: 's' });
  const vals = f.layout.yaxis.tickvals;
  assert.ok(vals.some((t) => Math.abs(t / 1e-3 - 1) < 1e-9) && vals.some((t) => Math.abs(t / 5 - 1) < 1e-9), 'ticks from 0.001 to 5');
});

test('xTicks labels a log axis at exactly the given values, in place of the 1-2-5 ticks', () => {
  const f = K.figure([{ x: [64, 1024], y: [1, 2] }], { logX: true, xTicks: [64, 256, 1024], xTitle: 'width' });
  assert.deepEqual(f.layout.xaxis.tickvals, [64, 256, 1024]);
  assert.equal(f.layout.xaxis.dtick, undefined);
  assert.equal(f.layout.xaxis.type, 'log');
  assert.equal(f.layout.xaxis.title.text, 'width');
  assert.ok(K.figure([{ x: [64, 1024], y: [1, 2] }], { logX: true }).layout.xaxis.tickvals.includes(200), 'without xTicks: 1-2-5 ticks');
});

test('plotHtml gives a div and a script that draws the figure into it', () => {
  const f = K.figure([{ x: [1], y: [2], name: '</script><b>' }]);
  const html = K.plotHtml(f);
  const id = html.match(/<div id="([^"]+)"/)[1];
  assert.ok(html.includes(`document.getElementById("${id}")`));
  assert.ok(html.includes('Plotly.newPlot'));
  assert.ok(!html.includes('</script><b>'), 'trace text cannot close the script');
  assert.notEqual(K.plotHtml(f).match(/id="([^"]+)"/)[1], id, 'two charts never share an id');
});

test('the plotly bundle hides RequireJS so it sets window.Plotly', () => {
  const html = K.plotlyBundleHtml();
  assert.ok(html.startsWith('<script data-course-asset="plotly">'));
  assert.ok(html.includes('window.define = undefined'));
  assert.ok(html.length > 1e6, "the whole minified bundle");
});

test('plot outside a kernel says what to use instead', () => {
  assert.throws(() => K.plot([{ x: [1], y: [1] }]), /needs the tslab kernel; outside one, use the functions that return HTML/);
  assert.throws(() => K.figure([]), /non-empty array of Plotly traces/);
});

test('sliderFigure: one frame per step, a slider step per frame, the active step drawn first', () => {
  const steps = [1, 2, 3].map((k) => ({ label: `k = ${k}`, data: [{ x: [0, 1], y: [0, k] }] }));
  const f = K.sliderFigure(steps, { sliderTitle: 'k', active: 1, yRange: [0, 3] });
  assert.deepEqual(f.data, steps[1].data);
  assert.equal(f.frames.length, 3);
  const slider = f.layout.sliders[0];
  assert.equal(slider.active, 1);
  assert.deepEqual(slider.steps.map((s) => s.label), ['k = 1', 'k = 2', 'k = 3']);
  assert.deepEqual(slider.steps.map((s) => s.args[0][0]), f.frames.map((fr) => fr.name));
  assert.ok(K.plotHtml(f).includes('"frames"'), 'the page gets the frames');
  assert.throws(() => K.sliderFigure(steps.slice(0, 1), { sliderTitle: 'k' }), /at least two steps/);
  assert.throws(() => K.sliderFigure(steps, { sliderTitle: 'k', active: 3 }), /active must be a step index from 0 to 2/);
  assert.throws(() => K.sliderFigure([steps[0], { label: 'x', data: [] }], { sliderTitle: 'k' }), /steps\[1\]\.data must hold 1 traces/);
});

test('livePlot and progress drop their updates outside a kernel; bad totals are refused', () => {
  const live = K.livePlot({ title: 'loss' });
  live.update([{ x: [1], y: [1] }]);
  live.finish([{ x: [1], y: [1] }]);
  const p = K.progress('steps', 10);
  p.tick(5);
  p.finish();
  assert.throws(() => K.progress('steps', 0), /total must be a whole number >= 1/);
});

test('formatNumber: small whole numbers whole, large and tiny ones in exponent form', () => {
  assert.equal(K.formatNumber(300), '300');
  assert.equal(K.formatNumber(196343488), '1.963e8');
  assert.equal(K.formatNumber(0.000123456, 3), '1.23e-4');
  assert.equal(K.formatNumber(0.8796, 3), '0.88');
  assert.equal(K.formatNumber(NaN), 'NaN');
});

test('every chart has a text alternative: named by its title, described by a line on its data', () => {
  const f = K.figure([
    { x: [1, 2, 30], y: [0.5, 1, 2], name: 'He', mode: 'lines' },
    { x: [1, 2, 30], y: [0.01, 0.1, 0.25], name: 'Glorot <i>uniform</i>', mode: 'markers' },
  ], { title: 'Variance <b>by</b> depth', xTitle: 'layer', yTitle: 'variance', logY: true });
  const about = K.describeFigure(f);
  assert.equal(about, 'Line and scatter chart of 2 series (He, Glorot uniform): x (layer) from 1 to 30; y (variance, log scale) from 0.01 to 2.');
  const html = K.plotHtml(f);
  const id = html.match(/<div id="([^"]+)"/)[1];
  assert.match(html, new RegExp(`role="figure" aria-label="Chart: Variance by depth" aria-describedby="${id}-about"`));
  assert.ok(html.includes(`<p id="${id}-about"`) && html.includes('x (layer) from 1 to 30'), 'the description is on the page');
  // A heat map gives its values; a slider what it moves through, over every step's data.
  const heat = K.figure([{ type: 'heatmap', x: [1, 2], y: ['a', 'b', 'c'], z: [[0, 3], [1, 2], [-1, 4]] }], { title: 'Grid' });
  assert.equal(K.describeFigure(heat), 'Heatmap: x from 1 to 2; y 3 categories; values from -1 to 4.');
  const steps = [1, 5].map((k) => ({ label: `σ = ${k}`, data: [{ x: [0, 1], y: [0, k] }] }));
  const slider = K.sliderFigure(steps, { sliderTitle: 'σ', title: 'S' });
  assert.equal(K.describeFigure(slider), 'Line chart: x from 0 to 1; y from 0 to 5; a slider moves through σ in 2 steps, from σ = 1 to σ = 5.');
  assert.match(K.plotHtml(K.figure([{ x: [1], y: [2] }], { xTitle: 'width', yTitle: 'loss' })), /aria-label="Chart of loss against width"/);
  assert.match(K.describeFigure(K.figure([{ x: [1, 2], y: [1, 10] }], { yTitle: 'loss (log scale)', logY: true })), /y \(loss \(log scale\)\) from 1 to 10/, 'a title that says log is not repeated');
  // Text from traces cannot break out of the attribute or the paragraph.
  const nasty = K.plotHtml(K.figure([{ x: [1], y: [2], name: '"><script>x</script>' }], { title: 'a "quoted" <title>' }));
  assert.ok(!nasty.includes('"><script>x'), 'names are escaped');
  assert.match(nasty, /aria-label="Chart: a &quot;quoted&quot;"/);
});

test('plotHtml hands the figure to the page\'s courseCharts when there is one (the site: themes, later charts), else to Plotly', () => {
  const html = K.plotHtml(K.figure([{ x: [1], y: [2] }]));
  assert.match(html, /if \(window\.courseCharts\) window\.courseCharts\.draw\(el, f\); else window\.Plotly\.newPlot\(el, f\);/);
});
