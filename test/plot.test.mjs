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
