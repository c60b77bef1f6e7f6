/**
 * The live page (assets/live/page.js): every code cell of the chapter becomes an editor
 * with a Run button; the bar at the top runs all cells, the cells above, interrupts and
 * restarts the kernel, picks its backend, and says what is running. Outputs replace the
 * static ones of the cell that ran; the static page is untouched underneath, and switching
 * live mode off shows it again.
 */
import type { ErrorContent, ExecuteReply, Message } from '../kernel/messages';
import { KernelClient, KernelStopped } from './client';
import type { ReadyMessage } from '../kernel/worker';
import { CellEditor } from './editor';
import { LivePageHandle, LiveSwitchOptions, ShippedMnist, courseLive, loadScript } from './global';
import { OutputArea } from './outputs';

type CellState = 'idle' | 'queued' | 'running' | 'ok' | 'error' | 'stopped';

const BACKENDS: { name: string; label: string; note: string }[] = [
  { name: 'wasm', label: 'wasm (CPU)', note: 'WebAssembly on the CPU, one thread, as the page was built: a run prints this page\'s numbers.' },
  { name: 'webgl', label: 'WebGL (GPU)', note: 'WebGL runs on the GPU with other kernels and float32 rounding of its own: numbers differ from the page\'s in the last digits, and random draws of tf.random* differ.' },
  { name: 'webgpu', label: 'WebGPU (GPU)', note: 'WebGPU runs on the GPU with other kernels and float32 rounding of its own: numbers differ from the page\'s in the last digits, and random draws of tf.random* differ.' },
];

function base64Bytes(text: string): ArrayBuffer {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text = ''): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text) e.textContent = text;
  return e;
}

const storageKey = (file: string, index: number) => `course-live:${file}:${index}`;

function stored(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null; // storage may be off (a private window, a strict setting): edits then last the visit
  }
}

function store(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // as above
  }
}

class LiveCell {
  readonly bar: HTMLElement;
  readonly runButton: HTMLButtonElement;
  readonly count: HTMLElement;
  readonly stateText: HTMLElement;
  readonly restore: HTMLButtonElement;
  readonly editorBox: HTMLElement;
  readonly outputs: OutputArea;
  editor!: CellEditor;
  state: CellState = 'idle';
  private started = 0;

  /**
   * A code cell's live parts go into its `.cell` element (around the static code, which live
   * mode hides). A prose cell (hidden code, a K.md paragraph) stays a paragraph: its parts go
   * into a box before the paragraph, the code behind a "Show the code" button, and its new
   * paragraph, once it has run, takes the static one's place.
   */
  constructor(readonly page: LivePage, statics: HTMLElement[], readonly index: number, readonly number: number, readonly original: string, readonly prose: boolean) {
    this.bar = el('div', { class: 'live-cell-bar' });
    this.runButton = el('button', { type: 'button', class: 'live-run', title: 'Run this cell (Shift+Enter)' }, 'Run');
    this.count = el('span', { class: 'live-count', title: 'The order this cell ran in' }, '[ ]');
    this.stateText = el('span', { class: 'live-state', 'aria-live': 'polite' });
    this.restore = el('button', { type: 'button', class: 'live-restore', title: 'Put back the code the page was built with (Undo takes it back)' }, 'Restore the original');
    this.restore.hidden = true;
    this.bar.append(this.runButton, this.count, this.stateText, this.restore);
    this.editorBox = el('div', { class: 'live-editor' });
    const outputBox = el('div', { class: prose ? 'live-outputs live-prose' : 'outputs live-outputs' });
    this.outputs = new OutputArea(outputBox, prose);
    if (prose) {
      this.element = el('div', { class: 'live-cell live-prose-cell' });
      const toggle = el('button', { type: 'button', class: 'live-show-code', 'aria-expanded': 'false' }, 'Show the code');
      toggle.addEventListener('click', () => {
        const open = this.element.classList.toggle('live-code-open');
        toggle.setAttribute('aria-expanded', String(open));
        toggle.textContent = open ? 'Hide the code' : 'Show the code';
        if (open) this.editor.view.requestMeasure();
      });
      this.element.append(toggle, this.bar, this.editorBox, outputBox);
      statics[0].before(this.element);
      this.staticOutputs = statics;
    } else {
      this.element = statics[0];
      const code = this.element.querySelector(':scope > pre.code');
      this.element.insertBefore(this.bar, code ?? this.element.firstChild);
      this.element.insertBefore(this.editorBox, code ? code.nextSibling : this.bar.nextSibling);
      this.element.append(outputBox);
      this.element.classList.add('live-cell');
      this.staticOutputs = Array.from(this.element.querySelectorAll<HTMLElement>(':scope > .outputs:not(.live-outputs)'));
    }
    this.runButton.addEventListener('click', () => page.enqueue([this]));
    this.restore.addEventListener('click', () => {
      this.editor.setCode(this.original);
      this.editor.focus();
    });
  }

  /** The cell's element: the .cell of a code cell, the live box of a prose cell. */
  readonly element: HTMLElement;
  /** What the build showed for this cell, hidden once it has run live. */
  readonly staticOutputs: HTMLElement[];

  /** From the first run on, the live outputs stand where the built ones stood. */
  replaceStatic(): void {
    for (const e of this.staticOutputs) e.classList.add('live-stale');
  }

  /** The editor is made when live mode is first shown (CodeMirror measures its box). */
  makeEditor(): void {
    const key = storageKey(this.page.file, this.index);
    const code = stored(key) ?? this.original;
    this.editor = new CellEditor(this.editorBox, code, `Code of cell ${this.number}`, {
      run: () => this.page.enqueue([this]),
      runAndAdvance: () => {
        this.page.enqueue([this]);
        this.page.focusAfter(this);
      },
      changed: (now) => {
        const edited = now !== this.original;
        this.restore.hidden = !edited;
        this.element.classList.toggle('live-edited', edited);
        store(key, edited ? now : null);
      },
      focused: () => this.page.setActive(this),
    });
    const edited = code !== this.original;
    this.restore.hidden = !edited;
    this.element.classList.toggle('live-edited', edited);
  }

  setState(state: CellState, text = ''): void {
    this.state = state;
    this.element.dataset.state = state;
    this.stateText.textContent = text;
    if (state === 'running') this.started = performance.now();
  }

  /** The execution count of this cell's last run (null: not run by this kernel). */
  execution: number | null = null;

  setExecution(n: number | null): void {
    this.execution = n;
    this.count.textContent = n === null ? '[ ]' : `[${n}]`;
  }

  elapsed(): number {
    return (performance.now() - this.started) / 1000;
  }
}

class LivePage implements LivePageHandle {
  readonly file: string;
  private cells: LiveCell[] = [];
  /** Cells waiting to go to the kernel (it is starting, or MNIST is loading). */
  private queue: LiveCell[] = [];
  /**
   * Cells sent to the kernel, in its order: the first runs, the others wait in the kernel's
   * own queue. A Run all sends every cell at once, as JupyterLab does, so the kernel goes
   * from one cell to the next while this page draws the outputs of the one before.
   */
  private sent: LiveCell[] = [];
  /** Counts kernels stopped: an answer from a stopped one changes nothing. */
  private generation = 0;
  private pumping = false;
  private active: LiveCell | null = null;
  private client: KernelClient;
  private ready: Promise<boolean> | null = null;
  private backend = 'wasm';
  private mnist: Promise<void> | null = null;
  private tools: HTMLElement;
  private status: HTMLElement;
  private note: HTMLElement;
  private select: HTMLSelectElement;
  private buttons: Record<'runAll' | 'runAbove' | 'interrupt' | 'restart', HTMLButtonElement>;
  private timer = 0;
  /** The cells run since the queue was last empty, and when that began. */
  private batch = { cells: 0, errors: 0, started: 0 };
  private shown = false;
  private lastKernelNews = '';

  constructor(private readonly options: LiveSwitchOptions) {
    const live = courseLive();
    this.file = options.notebook.file;
    this.client = new KernelClient({
      kernelSource: String(live.kernel),
      wasmSimd: base64Bytes(live.wasmSimd!),
      webgpuSource: async () => {
        if (!live.webgpu) await loadScript(`${options.base}webgpu.js`);
        return `(${String(live.webgpu)})();`;
      },
      datasets: { circles: live.data.circles },
      mnist: null,
    });
    this.client.onDied = (detail) => this.kernelStopped(`The kernel stopped (${detail}); it starts again when you run a cell.`);

    // The bar: the tools and the status line.
    this.tools = el('div', { class: 'live-tools', role: 'toolbar', 'aria-label': 'Live notebook' });
    const button = (label: string, title: string) => el('button', { type: 'button', title }, label);
    this.buttons = {
      runAll: button('Run all', 'Run every cell, top to bottom'),
      runAbove: button('Run all above', 'Run the cells above the one you are in'),
      interrupt: button('Interrupt', 'Stop the running cell (the kernel starts again, without what the cells defined)'),
      restart: button('Restart', 'Start a new kernel, without what the cells defined'),
    };
    this.select = el('select', { 'aria-label': 'Backend' });
    for (const b of BACKENDS) this.select.append(el('option', { value: b.name }, b.label));
    // WebGPU needs the API and a GPU adapter behind it (a browser may have the one without the other).
    const webgpu = this.select.querySelector<HTMLOptionElement>('option[value=webgpu]')!;
    const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
    const noWebgpu = (why: string) => {
      webgpu.disabled = true;
      webgpu.textContent = `WebGPU: ${why}`;
    };
    if (!gpu) noWebgpu('not in this browser');
    else gpu.requestAdapter().then((a) => a || noWebgpu('no GPU adapter here'), () => noWebgpu('no GPU adapter here'));
    const label = el('label', { class: 'live-backend' });
    label.append(el('span', { class: 'live-backend-word' }, 'Backend '), this.select);
    this.tools.append(this.buttons.runAll, this.buttons.runAbove, this.buttons.interrupt, this.buttons.restart, label);
    this.status = el('div', { class: 'live-status', role: 'status', 'aria-live': 'polite' });
    this.note = el('div', { class: 'live-note' });
    options.bar.append(this.tools, this.status, this.note);

    this.buttons.runAll.addEventListener('click', () => this.enqueue(this.cells));
    this.buttons.runAbove.addEventListener('click', () => {
      if (this.active) this.enqueue(this.cells.slice(0, this.cells.indexOf(this.active)));
    });
    this.buttons.interrupt.addEventListener('click', () => this.interrupt());
    this.buttons.restart.addEventListener('click', () => this.restart());
    this.select.addEventListener('change', () => {
      this.backend = this.select.value;
      this.restart();
    });

    // The cells: every code cell of the page, in order (data-cell is its index in the notebook;
    // a prose cell's paragraphs all carry it).
    const article = document.querySelector('main article') ?? document.body;
    const byIndex = new Map<number, HTMLElement[]>();
    for (const element of Array.from(article.querySelectorAll<HTMLElement>('[data-cell]'))) {
      const index = Number(element.dataset.cell);
      byIndex.set(index, [...(byIndex.get(index) ?? []), element]);
    }
    let number = 0;
    for (const [index, statics] of byIndex) {
      const cell = options.notebook.cells[index];
      if (!cell || cell.type !== 'code') continue;
      this.cells.push(new LiveCell(this, statics, index, ++number, cell.source, cell.hidden));
    }
    this.updateTools();
  }

  setOn(on: boolean): void {
    document.documentElement.classList.toggle('live', on);
    this.options.bar.classList.toggle('live-on', on);
    this.keepHeadingsClear(on);
    this.options.button.setAttribute('aria-checked', String(on));
    if (on && !this.shown) {
      this.shown = true;
      for (const c of this.cells) c.makeEditor();
    }
    if (on && !this.ready) this.startKernel();
    if (!on && (this.running || this.queue.length)) {
      // Turned off while cells run: they stop, and a new kernel starts when it is turned on again.
      const cell = this.running;
      this.stopAll('interrupted');
      this.lastKernelNews = `Live mode was turned off while cell ${cell?.number ?? ''} ran: it was stopped, and what the cells defined is gone. `;
    }
  }

  private barSize: ResizeObserver | null = null;

  /**
   * While live mode is on, the bar stays at the top of the window: a section the outline or a
   * search result jumps to, or a cell Shift+Enter moves to, lands below it, not under it.
   */
  private keepHeadingsClear(on: boolean): void {
    const root = document.documentElement;
    const pad = () => (root.style.scrollPaddingTop = `${this.options.bar.offsetHeight + 8}px`);
    if (on) {
      this.barSize ??= new ResizeObserver(pad);
      this.barSize.observe(this.options.bar);
      pad();
    } else {
      this.barSize?.disconnect();
      root.style.scrollPaddingTop = '';
    }
  }

  setActive(cell: LiveCell): void {
    this.active = cell;
    this.updateTools();
  }

  focusAfter(cell: LiveCell): void {
    const next = this.cells[this.cells.indexOf(cell) + 1];
    if (next) {
      next.editor.focus();
      next.element.scrollIntoView({ block: 'nearest' });
    }
  }

  /** The cell the kernel is running (or about to). */
  private get running(): LiveCell | null {
    return this.sent[0] ?? null;
  }

  enqueue(cells: LiveCell[]): void {
    if (!this.running && !this.queue.length) this.batch = { cells: 0, errors: 0, started: performance.now() };
    for (const c of cells) {
      if (this.sent.includes(c) || this.queue.includes(c)) continue;
      this.queue.push(c);
      c.setState('queued', 'waiting');
    }
    this.updateTools();
    void this.pump();
  }

  private startKernel(): Promise<boolean> {
    const backend = this.backend;
    this.setStatus('starting', `Starting the kernel (${backend})...`);
    const ready = this.client.start(backend).then(
      (info) => {
        if (this.ready !== ready) return false;
        this.setStatus('idle', this.idleText(info));
        return true;
      },
      (e: Error) => {
        if (this.ready !== ready) return false;
        this.ready = null;
        if (backend !== 'wasm') {
          // Back to the backend that works everywhere, saying why; queued cells then run on it.
          this.backend = 'wasm';
          this.select.value = 'wasm';
          this.lastKernelNews = `${e.message}; back to wasm. `;
          return this.startKernel();
        }
        this.setStatus('dead', `The kernel could not start: ${e.message}.`);
        for (const c of this.queue) c.setState('idle');
        this.queue = [];
        return false;
      },
    );
    this.ready = ready;
    this.options.bar.dataset.backend = backend;
    this.note.textContent = BACKENDS.find((b) => b.name === backend)?.note ?? '';
    return ready;
  }

  private doneText(last: LiveCell): string {
    const { cells, errors, started } = this.batch;
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const what = cells === 1 ? `Cell ${last.number} ran in ${seconds} s` : `Ran ${cells} cells in ${seconds} s`;
    const failed = errors === 0 ? '' : errors === 1 ? ', one with an error (shown under it)' : `, ${errors} with errors (shown under them)`;
    return `${what}${failed}. Backend ${this.backend}; idle.`;
  }

  private idleText(info: ReadyMessage): string {
    const news = this.lastKernelNews;
    this.lastKernelNews = '';
    // Opened from disk, a page cannot share memory with a second thread (it is not cross-origin isolated).
    const thread = info.kernelThread
      ? 'a second thread draws the weights ahead'
      : 'weights drawn inline (from disk; npm run serve adds a thread for them)';
    return `${news}Kernel ready: TensorFlow.js ${info.tfjs}, backend ${info.backend}; ${thread}.`;
  }

  /** Sends the queued cells to the kernel, in order, as soon as it is ready. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length) {
        if (!this.ready) this.startKernel();
        const ready = this.ready;
        if (!(await ready)) return; // it could not start: startKernel said why and emptied the queue
        const cell = this.queue[0];
        const code = cell.editor.code;
        if (/mnist/i.test(code)) await this.loadMnist();
        // Stopped or restarted meanwhile: the queue was emptied, or it waits for the new kernel.
        if (this.ready !== ready || this.queue[0] !== cell) continue;
        this.queue.shift();
        this.send(cell, code);
      }
    } finally {
      this.pumping = false;
    }
  }

  private send(cell: LiveCell, code: string): void {
    const generation = this.generation;
    cell.outputs.clear();
    cell.replaceStatic();
    cell.editor.markError(null);
    this.sent.push(cell);
    if (this.sent.length === 1) this.tick(cell);
    else this.updateTools();
    const current = () => generation === this.generation;
    this.client.execute(code, (msg: Message<unknown>) => {
      if (!current()) return;
      if (msg.header.msg_type === 'execute_input') {
        cell.setExecution((msg.content as { execution_count: number }).execution_count);
        cell.setState('running', 'running');
        this.tick(cell);
        window.clearInterval(this.timer);
        this.timer = window.setInterval(() => this.tick(cell), 200);
      }
      cell.outputs.add(msg);
      if (msg.header.msg_type === 'error') this.showErrorLine(msg.content as ErrorContent);
    }).then((reply: ExecuteReply) => {
      if (!current()) return;
      cell.outputs.fold();
      const time = `${cell.elapsed().toFixed(1)} s`;
      if (reply.status === 'ok') cell.setState('ok', time);
      else cell.setState('error', `error, ${time}`);
      this.finished(cell);
    }, (e: Error) => {
      // A stopped kernel's cells are put right by stopAll; anything else is this cell's error.
      if (!current() || e instanceof KernelStopped) return;
      cell.outputs.fold();
      cell.setState('error', e.message);
      this.finished(cell);
    });
  }

  /** A cell's reply came: the next one in the kernel's queue is running. */
  private finished(cell: LiveCell): void {
    window.clearInterval(this.timer);
    this.sent.splice(this.sent.indexOf(cell), 1);
    this.batch.cells += 1;
    if (cell.state === 'error') this.batch.errors += 1;
    this.updateTools();
    if (this.running) this.tick(this.running);
    if (!this.running && !this.queue.length && this.ready) this.setStatus('idle', this.doneText(cell));
  }

  /** Marks an error's line in the editor of the cell it came from (this one, or one run earlier). */
  private showErrorLine(error: ErrorContent): void {
    const at = error.location;
    const owner = at && this.cells.find((c) => c.execution === at.execution_count);
    owner?.editor.markError(at!.line);
  }

  private tick(cell: LiveCell): void {
    const waiting = this.queue.length + this.sent.length - 1;
    const queued = waiting > 0 ? `, ${waiting} more queued` : '';
    const started = cell.state === 'running';
    const what = started ? `Running cell ${cell.number} of ${this.cells.length} (${cell.elapsed().toFixed(1)} s)` : `Starting cell ${cell.number} of ${this.cells.length}`;
    this.setStatus('busy', `${what}${queued}. Backend ${this.backend}.`);
    if (started) cell.stateText.textContent = `running, ${cell.elapsed().toFixed(1)} s`;
  }

  private loadMnist(): Promise<void> {
    this.mnist ??= (async () => {
      const live = courseLive();
      this.setStatus('busy', 'Loading the MNIST images...');
      if (!live.data.mnist) await loadScript(`${this.options.base}data/mnist.js`);
      const shipped = live.data.mnist as ShippedMnist;
      this.client.addMnist({ palette: shipped.palette, counts: shipped.counts, gzip: base64Bytes(shipped.gzip) });
    })();
    return this.mnist;
  }

  private stopAll(reason: 'interrupted' | 'restarted'): void {
    for (const c of this.queue) c.setState('idle');
    this.queue = [];
    // The cell that ran was stopped; the ones behind it in the kernel's queue never ran.
    for (const c of this.sent) {
      c.outputs.fold();
      if (c.state === 'running') c.setState('stopped', reason === 'interrupted' ? 'interrupted' : 'stopped');
      else c.setState('idle');
    }
    this.sent = [];
    window.clearInterval(this.timer);
    this.generation += 1;
    this.client.stop(reason);
    this.ready = null;
    for (const c of this.cells) c.setExecution(null);
  }

  private interrupt(): void {
    if (!this.running && !this.queue.length) return;
    const cell = this.running;
    this.stopAll('interrupted');
    this.lastKernelNews = `Interrupted${cell ? ` cell ${cell.number}` : ''}: the kernel was stopped and started again, so what the cells defined is gone (Run all above runs them again). `;
    this.startKernel();
  }

  private restart(): void {
    this.stopAll('restarted');
    this.lastKernelNews = 'Restarted: what the cells defined is gone. ';
    this.startKernel();
  }

  private kernelStopped(text: string): void {
    this.stopAll('restarted');
    this.setStatus('dead', text);
  }

  private setStatus(state: 'starting' | 'idle' | 'busy' | 'dead', text: string): void {
    this.options.bar.dataset.kernel = state;
    this.status.textContent = text;
    this.updateTools();
  }

  private updateTools(): void {
    const busy = this.running !== null || this.queue.length > 0;
    this.buttons.interrupt.disabled = !busy;
    this.buttons.runAbove.disabled = !this.active || this.cells.indexOf(this.active) <= 0;
    this.buttons.runAbove.title = this.active ? `Run the cells above cell ${this.active.number}` : 'Click in a cell first: this runs the cells above it';
  }
}

courseLive().start = (options) => new LivePage(options);
