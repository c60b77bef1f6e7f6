/**
 * Keeps the tslab kernel alive through long cells that update a display many times.
 *
 * tslab sends every message to the front end with zeromq's Socket.send and does not wait for
 * it. zeromq 6 completes a send at once, except that after 512 such sends in a row it defers
 * one to the event loop, so as not to starve it; while that send is deferred, the next send
 * throws EBUSY ("Socket is busy writing"). In a cell that runs synchronously (a training loop
 * with a live chart and a progress bar) the event loop does not run until the cell ends, so the
 * next message throws, the throw escapes tslab, and the kernel dies. How soon depends only on
 * how many messages the notebook has sent, so a chapter that passes on a quiet machine can die
 * on a loaded one, whose slower loops draw more frames.
 *
 * queueKernelSends makes a send that would throw EBUSY wait behind the deferred one instead:
 * the messages keep their order and go out as soon as the event loop runs.
 */
const PATCHED = Symbol('course: sends queued');

type Send = (this: object, ...args: unknown[]) => Promise<void>;
/** Per socket (zeromq's sockets are not extensible): its last send, and the sends waiting behind it. */
interface SendState {
  last?: Promise<void>;
  queue?: Promise<void>;
  waiting: number;
}

const isBusy = (e: unknown) => (e as { code?: string })?.code === 'EBUSY';
const ignore = () => undefined;

/** Patches zeromq's Socket.send once per process (a no-op without zeromq); returns whether sends are queued. */
export function queueKernelSends(): boolean {
  let zmq: { Socket?: { prototype: Record<PropertyKey, unknown> } };
  try {
    zmq = require('zeromq');
  } catch {
    return false;
  }
  const proto = zmq.Socket?.prototype;
  if (!proto || typeof proto.send !== 'function') return false;
  if (proto[PATCHED]) return true;
  const send = proto.send as Send;
  const states = new WeakMap<object, SendState>();
  const stateOf = (socket: object) => {
    let s = states.get(socket);
    if (!s) states.set(socket, (s = { waiting: 0 }));
    return s;
  };
  const enqueue = (socket: object, s: SendState, args: unknown[]): Promise<void> => {
    s.waiting++;
    const after = s.queue ?? s.last ?? Promise.resolve();
    const sent = after.catch(ignore).then(() => send.apply(socket, args));
    s.queue = sent.then(ignore, ignore).then(() => {
      if (--s.waiting === 0) s.queue = undefined;
    });
    return sent;
  };
  function queuedSend(this: object, ...args: unknown[]): Promise<void> {
    const s = stateOf(this);
    if (s.queue) return enqueue(this, s, args);
    try {
      const sent = send.apply(this, args);
      s.last = sent;
      return sent;
    } catch (e) {
      if (!isBusy(e)) throw e;
      return enqueue(this, s, args);
    }
  }
  // The native method is read-only but configurable.
  Object.defineProperty(proto, 'send', { value: queuedSend, writable: false, enumerable: false, configurable: true });
  Object.defineProperty(proto, PATCHED, { value: true });
  return true;
}
