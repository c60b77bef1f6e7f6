import { test } from 'node:test';
import assert from 'node:assert/strict';
import { K, tf } from './lib.mjs';

test('the active backend is the fastest one that loads (or the one TFJS_BACKEND names)', async () => {
  const backend = await K.initBackend();
  assert.equal(backend, tf.getBackend());
  const expected = { node: 'tensorflow', wasm: 'wasm', cpu: 'cpu' }[process.env.TFJS_BACKEND || ''];
  if (expected) assert.equal(backend, expected);
  else assert.ok(['tensorflow', 'wasm'].includes(backend), `fell back to ${backend}`);
});

test('an unknown TFJS_BACKEND is an error that lists the valid names', async () => {
  await assert.rejects(K.initBackend('gpu'), /TFJS_BACKEND must be one of node, wasm, cpu \(or unset\), got "gpu"/);
});
