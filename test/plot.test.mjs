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
  assert.equal(f.layout.yaxis.dtick, 'D2', 'three decades: 1-2-5 labels');
  const wide = K.figure([{ x: [1, 2], y: [1e-9, 1e9] }], { logY: true });
  assert.equal(wide.layout.yaxis.dtick, undefined, 'eighteen decades: powers of ten only');
});

test('xTicks labels a log axis at exactly the given values, in place of the 1-2-5 ticks', () => {
  const f = K.figure([{ x: [64, 1024], y: [1, 2] }], { logX: true, xTicks: [64, 256, 1024], xTitle: 'width' });
  assert.deepEqual(f.layout.xaxis.tickvals, [64, 256, 1024]);
  assert.equal(f.layout.xaxis.dtick, undefined);
  assert.equal(f.layout.xaxis.type, 'log');
  assert.equal(f.layout.xaxis.title.text, 'width');
  assert.equal(K.figure([{ x: [64, 1024], y: [1, 2] }], { logX: true }).layout.xaxis.tickvals, undefined);
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
