// The live pages' kernel (src/live/kernel/), run in Node: cells mean what they mean in
// tslab (declarations shared between cells, top-level await, the last expression shown,
// imports), errors name the cell's line, and the messages are Jupyter's.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { format } from 'node:util';

const require = createRequire(import.meta.url);
const { Kernel } = require('../dist/live/kernel/kernel.js');
const { message } = require('../dist/live/kernel/messages.js');
const { transformCell, CellSyntaxError } = require('../dist/live/kernel/transform.js');

// Each test's kernel takes the console over (cells and the library print with it); it is given back after.
const kernels = [];
afterEach(() => kernels.splice(0).reverse().forEach((k) => k.release()));

/** A kernel whose modules are small stand-ins, and a way to run a cell and see what it sent. */
function kernel(modules = { lib: { answer: 42, twice: (x) => 2 * x } }) {
  const sent = [];
  const displays = [];
  const k = new Kernel({
    modules,
    send: (m) => sent.push(m),
    setOutputSink: (sink) => displays.push(sink),
  });
  kernels.push(k);
  const run = async (code) => {
    sent.length = 0;
    const request = message('shell', 'execute_request', { code });
    await k.handle(request);
    const iopub = sent.filter((m) => m.channel === 'iopub');
    const reply = sent.find((m) => m.header.msg_type === 'execute_reply');
    const stdout = iopub.filter((m) => m.header.msg_type === 'stream' && m.content.name === 'stdout').map((m) => m.content.text).join('');
    const error = iopub.find((m) => m.header.msg_type === 'error')?.content;
    return { request, sent: [...sent], iopub, reply, stdout, error };
  };
  return { k, run, sink: () => displays[0] };
}

test('a declaration in one cell is visible in later cells: const, let, function, class, enum, destructuring, import', async () => {
  const { run } = kernel();
  await run(`import { answer as a, twice } from 'lib';
const c: number = 1;
let l = 2;
function f(x: number): number { return x + c; }
class Box<T> { constructor(public value: T) {} }
enum Color { Red, Green }
const { p, q: [r] } = { p: 3, q: [4] };
type Hidden = { x: number };`);
  const { stdout, error } = await run('console.log(a, twice(c), l, f(1), new Box(5).value, Color.Green, p, r)');
  assert.equal(error, undefined);
  assert.equal(stdout, '42 2 2 2 5 1 3 4\n');
});

test('a later cell may declare a name again; functions keep the names of their own cell (as in tslab)', async () => {
  const { run } = kernel();
  await run('const x = 1;\nlet y = 2;\nfunction f() { return x + y; }');
  assert.equal((await run('const x = 10;\nf() + x')).stdout, '13\n');
  // An assignment from another cell changes the shared name, not f's own variable.
  assert.equal((await run('y = 5;\n[y, f()]')).stdout, '[ 5, 3 ]\n');
});

test('a let changed later in its cell is shared with its last value', async () => {
  const { run } = kernel();
  await run('let n = 0;\nfor (let i = 0; i < 3; i++) n += i;');
  assert.equal((await run('n')).stdout, '3\n');
});

test('a shorthand property of a name from an earlier cell (tslab needs { task: task }, this kernel does not)', async () => {
  const { run } = kernel();
  await run('const task = "fit";');
  assert.equal((await run('({ task, other: 1 })')).stdout, "{ task: 'fit', other: 1 }\n");
});

test('top-level await works, and the cell waits for it', async () => {
  const { run } = kernel();
  const { stdout } = await run('const v = await new Promise<number>((r) => setTimeout(() => r(7), 20));\nconsole.log("after", v);\nv * 2');
  assert.equal(stdout, 'after 7\n14\n');
});

test('the last expression is printed as console.log prints it, unless it is null or undefined or the cell ends with a statement', async () => {
  const { run } = kernel();
  assert.equal((await run("'text'")).stdout, 'text\n');
  assert.equal((await run('({ a: [1, 2], b: "x" })')).stdout, "{ a: [ 1, 2 ], b: 'x' }\n");
  assert.equal((await run('null')).stdout, '');
  assert.equal((await run('undefined')).stdout, '');
  assert.equal((await run('const z = 5;')).stdout, '');
  assert.equal((await run('1 + 1;\nconst w = 3;')).stdout, '');
});

test('console.log formats its arguments as Node does (a live run prints what the build printed)', async () => {
  const { run } = kernel();
  const values = ['-0', '1e21', '0.1 + 0.2', 'NaN', '[1, 2, 3]', 'Array.from({ length: 120 }, (_, i) => i * 0.5)', 'new Float32Array([1.5, 2, 3])',
    '{ a: { b: { c: { d: 1 } } } }', 'new Map([[1, "a"]])', 'new Set([1, 2])', '"%d items, %s", 3, "x"', '"100%"', '[undefined, null, true]',
    '{ "key with space": 1, n: -2.5e-8 }', 'Symbol("s")', '12345678901234567890n', '[[1, [2, [3, [4]]]]]', 'Object.create(null)', '"a\\nb"'];
  for (const v of values) {
    const { stdout } = await run(`console.log(${v})`);
    // eslint-disable-next-line no-eval
    assert.equal(stdout, `${format(...eval(`[${v}]`))}\n`, v);
  }
});

test('Math.max and Math.min take any number of spread values, with their meaning (a worker has half the stack of Node)', async () => {
  const { run } = kernel();
  // 300,000 arguments overflow any stack here; the kernel passes them as one array.
  const big = await run('const big = Array.from({ length: 300000 }, (_, i) => (i * 7919) % 300007);\n[Math.max(...big), Math.min(...big, -1), Math.max(...big.map((v) => -v))]');
  assert.equal(big.error, undefined);
  assert.equal(big.stdout, '[ 300006, -1, -0 ]\n');
  const cases = ['[]', '[NaN, 1]', '[1, NaN]', '[-0, 0]', '[0, -0]', '[-0]', '["3", 2]', '[-Infinity]', '[1, [2]]'];
  for (const c of cases) {
    const { stdout } = await run(`const v = ${c};\n[Math.max(...v), Math.min(...v), Math.max(...v, 0.5), Math.min(0.5, ...v)]`);
    // eslint-disable-next-line no-eval
    const v = eval(c);
    assert.equal(stdout, `${format([Math.max(...v), Math.min(...v), Math.max(...v, 0.5), Math.min(0.5, ...v)])}\n`, c);
  }
  // A Math of the cells' own is left alone.
  assert.equal((await run('const Math = { max: (...a: number[]) => a.length };\nMath.max(...[1, 2, 3])')).stdout, '3\n');
});

test('imports: a namespace, names, aliases, a default; an unknown module says which ones there are', async () => {
  const { run } = kernel({ lib: { answer: 42, default: 'dflt' }, '../dist/index': { k: 1 } });
  assert.equal((await run("import * as L from 'lib';\nimport d, { answer } from 'lib';\nimport * as K from '../dist/index';\n[L.answer, d, answer, K.k]")).stdout, "[ 42, 'dflt', 42, 1 ]\n");
  const { error } = await run("import * as x from 'fs';");
  assert.equal(error.evalue, "Cannot find module 'fs': a page's cells can import 'lib', '../dist/index'");
  assert.equal(error.location.line, 1);
});

test('an error names the line of the cell it was raised on, past type annotations and multi-line imports', async () => {
  const { run } = kernel();
  const { error, reply } = await run(`import {
  answer,
} from 'lib';
const typed: Array<{ a: number }> = [];
interface I {
  x: number;
}
throw new RangeError('bad value');`);
  assert.equal(error.ename, 'RangeError');
  assert.equal(error.evalue, 'bad value');
  assert.equal(error.location.line, 8);
  assert.deepEqual(error.traceback, ['RangeError: bad value', '    at line 8 of this cell']);
  assert.equal(reply.content.status, 'error');
});

test('an error inside a function from an earlier cell names both lines', async () => {
  const { run } = kernel();
  const first = await run('function check(x: number) {\n  if (x < 0) throw new Error(`x must be >= 0, got ${x}`);\n  return x;\n}');
  const count = first.iopub.find((m) => m.header.msg_type === 'execute_input').content.execution_count;
  const { error } = await run('const ok = check(1);\ncheck(-1);');
  assert.deepEqual(error.location, { execution_count: count, line: 2 });
  assert.deepEqual(error.traceback.slice(1), [`    at line 2 of the cell run as [${count}]`, '    at line 2 of this cell']);
});

test('a syntax error (TypeScript or JavaScript) names its line, and nothing of the cell runs', async () => {
  const { run } = kernel();
  const ts = await run('const a = 1;\nconst b: = 2;');
  assert.equal(ts.error.ename, 'SyntaxError');
  assert.equal(ts.error.location.line, 2);
  const js = await run('console.log("never");\nconst q = {\n  a: 1,,\n};');
  assert.equal(js.error.location.line, 3);
  assert.equal(js.stdout, '');
  assert.equal((await run('typeof a')).stdout, 'undefined\n');
});

test('a cell that throws keeps what it declared before the error; later cells run', async () => {
  const { run } = kernel();
  const { error } = await run("const before = 1;\nthrow new Error('stop');\nconst after = 2;");
  assert.equal(error.evalue, 'stop');
  assert.equal((await run('[before, typeof after]')).stdout, "[ 1, 'undefined' ]\n");
});

test('the messages are Jupyter\'s: busy, execute_input, outputs, idle on iopub, then execute_reply on shell, all with the request as parent', async () => {
  const { run } = kernel();
  const { sent, request } = await run('console.log("hi");\n1');
  assert.deepEqual(sent.map((m) => `${m.channel}:${m.header.msg_type}`), [
    'iopub:status', 'iopub:execute_input', 'iopub:stream', 'iopub:stream', 'iopub:status', 'shell:execute_reply',
  ]);
  assert.deepEqual(sent.map((m) => m.content.execution_state).filter(Boolean), ['busy', 'idle']);
  for (const m of sent) {
    assert.equal(m.parent_header.msg_id, request.header.msg_id);
    assert.equal(m.header.version, '5.3');
  }
  const reply = sent.at(-1).content;
  assert.equal(reply.status, 'ok');
  assert.equal(reply.execution_count, sent[1].content.execution_count);
});

test('rich outputs go out as display_data, and a display updated in place as update_display_data', async () => {
  const { run, sink } = kernel();
  const { request } = await run('1');
  const sent = [];
  const k = kernels[0];
  const s = sink();
  // The sink writes to the last request's outputs, as Jupyter kernels do after a cell ends.
  const send = k.options.send;
  k.options.send = (m) => sent.push(m);
  s.display({ 'text/html': '<b>x</b>' }, { note: 1 });
  s.update('d1', { 'text/html': 'first' }, true);
  s.update('d1', { 'text/html': 'second' }, false);
  k.options.send = send;
  assert.deepEqual(sent.map((m) => m.header.msg_type), ['display_data', 'display_data', 'update_display_data']);
  assert.deepEqual(sent[0].content, { data: { 'text/html': '<b>x</b>' }, metadata: { note: 1 }, transient: {} });
  assert.deepEqual(sent[2].content, { data: { 'text/html': 'second' }, metadata: {}, transient: { display_id: 'd1' } });
  for (const m of sent) assert.equal(m.parent_header.msg_id, request.header.msg_id);
});

test('execute requests run one at a time, in the order they came', async () => {
  const order = [];
  const sent = [];
  const k2 = new Kernel({ modules: {}, send: (m) => sent.push(m), setOutputSink: () => {} });
  kernels.push(k2);
  const a = k2.handle(message('shell', 'execute_request', { code: 'await new Promise((r) => setTimeout(r, 30)); console.log("a")' })).then(() => order.push('a'));
  const b = k2.handle(message('shell', 'execute_request', { code: 'console.log("b")' })).then(() => order.push('b'));
  await Promise.all([a, b]);
  assert.deepEqual(order, ['a', 'b']);
  assert.deepEqual(sent.filter((m) => m.header.msg_type === 'stream').map((m) => m.content.text), ['a\n', 'b\n']);
});

test('every code cell of every chapter keeps its lines: an error after its last line is reported on the line after it', () => {
  const dir = new URL('../notebooks/', import.meta.url);
  let cells = 0;
  for (const file of readdirSync(dir).filter((f) => /^\d\d-.+\.ipynb$/.test(f))) {
    const nb = JSON.parse(readFileSync(new URL(file, dir), 'utf8'));
    for (const cell of nb.cells.filter((c) => c.cell_type === 'code')) {
      const source = [].concat(cell.source).join('');
      const { code } = transformCell(source, () => true);
      // The wrapper adds one line (its closing), after the cell's.
      assert.equal(code.split('\n').length, source.split('\n').length + 1, `${file}: ${source.slice(0, 80)}`);
      cells++;
    }
  }
  assert.ok(cells > 100, `only ${cells} cells`);
});

test('CellSyntaxError carries a 1-based line and column', () => {
  assert.throws(() => transformCell('let x = (;', () => false), (e) => e instanceof CellSyntaxError && e.line === 1 && e.column === 10);
  assert.throws(() => transformCell('export default 1;', () => false), /has no meaning in a notebook cell/);
});
