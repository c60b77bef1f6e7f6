/**
 * A TypeScript notebook kernel with tslab's meaning (see transform.ts), speaking Jupyter's
 * messages (messages.ts). It knows nothing of its transport: the live page runs it in a Web
 * Worker (worker.ts), the tests run it in Node, and a JupyterLite kernel could wrap it.
 *
 * What a cell prints with console.log goes out as stdout, formatted as Node formats it (so a
 * live run prints what the build printed); console.warn and console.error go to stderr. The
 * value of a last expression is printed as tslab prints it (console.log, unless it is null or
 * undefined). Rich outputs come through the OutputSink the kernel hands to the library.
 */
import { formatWithOptions, inspect } from 'node-inspect-extracted';
import type { OutputSink } from '../../platform/browser';
import {
  DisplayContent, ErrorContent, ErrorLocation, ExecuteReply, ExecuteRequest, Message, StreamContent, message,
} from './messages';
import { CellSyntaxError, runtime, transformCell } from './transform';

export interface KernelOptions {
  /** What `import ... from 'name'` gives, by module name. */
  modules: Record<string, unknown>;
  /** Where the kernel's messages go. */
  send(msg: Message<unknown>): void;
  /** Installs where the library's rich outputs go (platform/browser's setOutputSink). */
  setOutputSink(sink: OutputSink | null): void;
  /** The console whose methods the kernel takes over (default: globalThis.console; release() gives them back). */
  console?: Console;
  /** Runs a generated function's source in the global scope (default: indirect eval). */
  evaluate?: (source: string) => unknown;
}

/** A cell's generated source is named after its run, so its frames can be found in a stack. */
const sourceName = (count: number) => `course-cell-${count}.ts`;
const FRAME = /course-cell-(\d+)\.ts:(\d+):(\d+)/g;

export const KERNEL_INFO = {
  status: 'ok',
  protocol_version: '5.3',
  implementation: 'course-ts',
  implementation_version: '1.0',
  language_info: { name: 'typescript', mimetype: 'text/typescript', file_extension: '.ts', version: '5' },
  banner: 'The course\'s TypeScript kernel: tslab\'s cell semantics, in a Web Worker',
};

export class Kernel {
  private namespace: Record<string, unknown> = Object.create(null);
  private count = 0;
  /** Lines of the code each run ran, by execution count (to tell the cell's frames from the wrapper's). */
  private lines = new Map<number, number>();
  private queue: Promise<void> = Promise.resolve();
  /** The request that outputs belong to: the one running, or the last one (as ipykernel does). */
  private parent: Message<unknown> | undefined;
  private readonly evaluate: (source: string) => unknown;
  /** Gives the console back. */
  readonly release: () => void;

  constructor(private readonly options: KernelOptions) {
    // eslint-disable-next-line no-eval
    this.evaluate = options.evaluate ?? ((source) => (0, eval)(source));
    const target = options.console ?? globalThis.console;
    const write = (name: 'stdout' | 'stderr') => (...args: unknown[]) => this.stream(name, `${formatWithOptions({}, ...args)}\n`);
    const taken = { log: 'stdout', info: 'stdout', debug: 'stdout', warn: 'stderr', error: 'stderr' } as const;
    const before = Object.fromEntries(Object.keys(taken).map((m) => [m, target[m as keyof typeof taken]]));
    for (const [method, stream] of Object.entries(taken)) target[method as keyof typeof taken] = write(stream);
    this.release = () => Object.assign(target, before);
    const sink: OutputSink = {
      display: (data, metadata) => this.iopub<DisplayContent>('display_data', { data, metadata, transient: {} }),
      update: (id, data, first) => this.iopub<DisplayContent>(first ? 'display_data' : 'update_display_data', { data, metadata: {}, transient: { display_id: id } }),
    };
    options.setOutputSink(sink);
  }

  /** The names the cells have declared so far. */
  names(): string[] {
    return Object.keys(this.namespace);
  }

  /** Handles one message from a front end; execute requests run one at a time, in order. */
  handle(msg: Message<unknown>): Promise<void> {
    switch (msg.header.msg_type) {
      case 'kernel_info_request':
        this.options.send(message('shell', 'kernel_info_reply', KERNEL_INFO, msg));
        return Promise.resolve();
      case 'execute_request': {
        const run = this.queue.then(() => this.execute(msg as Message<ExecuteRequest>));
        this.queue = run.catch(() => undefined);
        return run;
      }
      default:
        this.options.send(message('shell', `${msg.header.msg_type.replace(/_request$/, '')}_reply`, { status: 'error', ename: 'NotImplemented', evalue: `${msg.header.msg_type} is not supported`, traceback: [] }, msg));
        return Promise.resolve();
    }
  }

  /** Reports an error that no cell caught (an unhandled rejection, an error in a timer), on stderr. */
  reportUncaught(error: unknown): void {
    const { ename, evalue } = describeError(error);
    this.stream('stderr', `${ename}: ${evalue}\n`);
  }

  private iopub<C>(type: string, content: C): void {
    this.options.send(message('iopub', type, content, this.parent));
  }

  private stream(name: StreamContent['name'], text: string): void {
    this.iopub<StreamContent>('stream', { name, text });
  }

  private async execute(request: Message<ExecuteRequest>): Promise<void> {
    this.parent = request;
    const count = ++this.count;
    this.iopub('status', { execution_state: 'busy' });
    this.iopub('execute_input', { code: request.content.code, execution_count: count });
    let reply: ExecuteReply;
    this.lines.set(count, request.content.code.split('\n').length);
    try {
      const cell = transformCell(request.content.code, (name) => name in this.namespace);
      const run = this.evaluate(`${cell.code}\n//# sourceURL=${sourceName(count)}`) as (ns: object, importer: (name: string) => unknown, rt: typeof runtime) => Promise<unknown>;
      const value = await run(this.namespace, (name) => this.importModule(name), runtime);
      if (cell.hasLastExpression && value != null) this.stream('stdout', `${formatWithOptions({}, value)}\n`);
      reply = { status: 'ok', execution_count: count, user_expressions: {}, payload: [] };
    } catch (e) {
      const error = describeError(e, count, this.lines);
      this.iopub<ErrorContent>('error', error);
      reply = { status: 'error', execution_count: count, ename: error.ename, evalue: error.evalue, traceback: error.traceback };
    }
    this.iopub('status', { execution_state: 'idle' });
    this.options.send(message('shell', 'execute_reply', reply, request));
  }

  private importModule(name: string): unknown {
    if (Object.prototype.hasOwnProperty.call(this.options.modules, name)) return this.options.modules[name];
    const known = Object.keys(this.options.modules).map((m) => `'${m}'`).join(', ');
    throw new Error(`Cannot find module '${name}': a page's cells can import ${known}`);
  }
}

/**
 * An error as Jupyter shows one, with the cell lines it passed through, innermost first
 * (`lines` holds each run's number of lines: frames past them are the kernel's own wrapper).
 */
export function describeError(e: unknown, count?: number, lines = new Map<number, number>()): ErrorContent {
  if (e instanceof CellSyntaxError) {
    return {
      ename: 'SyntaxError',
      evalue: e.message,
      traceback: [`SyntaxError: ${e.message}`],
      ...(count !== undefined ? { location: { execution_count: count, line: e.line } } : {}),
    };
  }
  const ename = e instanceof Error ? e.name || 'Error' : 'Error';
  const evalue = e instanceof Error ? e.message : typeof e === 'string' ? e : inspect(e);
  const stack = e instanceof Error && typeof e.stack === 'string' ? e.stack : '';
  const frames: ErrorLocation[] = [];
  for (const m of stack.matchAll(FRAME)) {
    const frame = { execution_count: Number(m[1]), line: Number(m[2]) };
    const last = frames[frames.length - 1];
    if (frame.line > (lines.get(frame.execution_count) ?? Infinity)) continue;
    if (last && last.execution_count === frame.execution_count && last.line === frame.line) continue;
    frames.push(frame);
  }
  const where = frames.map((f) => `    at line ${f.line} of ${f.execution_count === count ? 'this cell' : `the cell run as [${f.execution_count}]`}`);
  return {
    ename,
    evalue,
    traceback: [`${ename}: ${evalue}`, ...where],
    ...(frames.length ? { location: frames[0] } : {}),
  };
}
