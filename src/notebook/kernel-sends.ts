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
 * queueKernelSends makes a send that would throw EBUSY wait instead, and with it every later
 * send, on any of the kernel's sockets: the messages go out in the order tslab made them, as
 * soon as the event loop runs. One queue for all sockets, not one per socket, because Jupyter's
 * order spans them: a cell's outputs (iopub) come before its execute_reply (shell), and a front
 * end that got the reply first would think the cell done while its outputs were still waiting.
 */
const PATCHED = Symbol('course: sends queued');

type Send = (this: object, ...args: unknown[]) => Promise<void>;
interface Waiting {
  socket: object;
  args: unknown[];
  resolve: () => void;
  reject: (e: unknown) => void;
}

const isBusy = (e: unknown) => (e as { code?: string })?.code === 'EBUSY';
const ignore = () => undefined;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

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
  // Per socket (zeromq's sockets are not extensible): its last send, which may be the deferred one.
  const last = new WeakMap<object, Promise<void>>();
  const waiting: Waiting[] = [];
  let draining = false;

  const trySend = (socket: object, args: unknown[]): Promise<void> => {
    const sent = send.apply(socket, args);
    last.set(socket, sent);
    return sent;
  };
  // Sends the waiting messages in order. A send that meets a busy socket again (a long queue
  // is itself a long run of sends) waits for that socket's deferred send, then tries again.
  const drain = async () => {
    draining = true;
    while (waiting.length) {
      const w = waiting[0];
      try {
        trySend(w.socket, w.args).then(w.resolve, w.reject);
        waiting.shift();
      } catch (e) {
        if (!isBusy(e)) {
          waiting.shift();
          w.reject(e);
          continue;
        }
        await (last.get(w.socket) ?? nextTurn()).then(ignore, ignore);
        await nextTurn();
      }
    }
    draining = false;
  };
  const enqueue = (socket: object, args: unknown[]) => new Promise<void>((resolve, reject) => {
    waiting.push({ socket, args, resolve, reject });
    if (!draining) void drain();
  });

  function queuedSend(this: object, ...args: unknown[]): Promise<void> {
    if (waiting.length || draining) return enqueue(this, args);
    try {
      return trySend(this, args);
    } catch (e) {
      if (!isBusy(e)) throw e;
      return enqueue(this, args);
    }
  }
  // The native method is read-only but configurable.
  Object.defineProperty(proto, 'send', { value: queuedSend, writable: false, enumerable: false, configurable: true });
  Object.defineProperty(proto, PATCHED, { value: true });
  return true;
}
