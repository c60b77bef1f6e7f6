// The kernel's messages and zeromq's deferred send (src/notebook/kernel-sends.ts): tslab sends
// without waiting, zeromq 6 defers every 513th send in a row to the event loop and throws EBUSY
// on the next one meanwhile. Queued, the sends of a long synchronous loop all arrive, in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const zmq = require('zeromq');
const { queueKernelSends } = require('../dist/notebook/kernel-sends.js');

async function pair(name) {
  const endpoint = `inproc://course-${name}-${process.pid}`;
  const pub = new zmq.Publisher();
  await pub.bind(endpoint);
  const sub = new zmq.Subscriber();
  sub.connect(endpoint);
  sub.subscribe();
  // A subscriber only receives what is published after it has joined.
  for (let i = 0; i < 200; i++) {
    await pub.send('hello');
    const ready = await Promise.race([sub.receive().then(() => true), new Promise((r) => setTimeout(() => r(false), 10))]);
    if (ready) break;
  }
  return { pub, sub };
}

async function drain(sub) {
  const got = [];
  for (;;) {
    const msg = await Promise.race([sub.receive(), new Promise((r) => setTimeout(() => r(null), 300))]);
    if (msg === null) return got;
    const text = msg[0].toString();
    if (text !== 'hello') got.push(Number(text));
  }
}

test('without the queue, a long run of sends that never yields throws EBUSY (what killed the kernel)', async () => {
  // Run first: the patch is process-wide once installed.
  const { pub, sub } = await pair('plain');
  let error = null;
  let sent = 0;
  try {
    for (; sent < 900; sent++) pub.send(String(sent)).catch(() => {});
  } catch (e) {
    error = e;
  }
  assert.equal(error?.code, 'EBUSY', `${sent} sends in a row without yielding went through`);
  await drain(sub);
  pub.close();
  sub.close();
});

test('with the queue, 900 sends in a row all arrive, in order, once the event loop runs', async () => {
  assert.equal(queueKernelSends(), true);
  assert.equal(queueKernelSends(), true, 'installing twice is harmless');
  const { pub, sub } = await pair('queued');
  const n = 900;
  for (let i = 0; i < n; i++) pub.send(String(i));
  const got = await drain(sub);
  assert.deepEqual(got, Array.from({ length: n }, (_, i) => i));
  pub.close();
  sub.close();
});

test('while messages wait, a send on another socket waits behind them (Jupyter\'s order spans sockets: outputs before the reply)', async () => {
  const a = await pair('first');
  const b = await pair('second');
  const order = [];
  const n = 900;
  for (let i = 0; i < n; i++) a.pub.send(String(i)).then(() => order.push(`a${i}`));
  b.pub.send('0').then(() => order.push('b'));
  const [gotA, gotB] = await Promise.all([drain(a.sub), drain(b.sub)]);
  assert.deepEqual(gotA, Array.from({ length: n }, (_, i) => i));
  assert.deepEqual(gotB, [0]);
  assert.equal(order.indexOf('b'), n, 'the other socket\'s message went out after every waiting one');
  for (const s of [a.pub, a.sub, b.pub, b.sub]) s.close();
});
