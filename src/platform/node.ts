/**
 * The platform in Node: tslab's kernel shows the outputs, a worker thread draws kernels
 * ahead, and the data are files (data/ and the `mnist` package). The backends:
 * src/backend/backends.ts.
 */
import { readFileSync } from 'fs';
import { dirname, join } from 'path';
import { DataFiles, Frontend, KernelThread, MimeBundle, Platform } from './platform';

/** tslab's kernel: its public display functions take one format at a time, this one sends a bundle. */
interface TslabKernel {
  lastWriteDisplayData: ((output: { data: MimeBundle; metadata: Record<string, unknown>; transient: { display_id?: string } }, update: boolean) => void) | null;
}

function tslabKernel(): TslabKernel | null {
  try {
    return require('tslab/dist/jupyter') as TslabKernel;
  } catch {
    return null;
  }
}

let displays = 0;

const frontend: Frontend = {
  // lastWriteDisplayData is set by the kernel while a cell runs.
  inKernel: () => tslabKernel()?.lastWriteDisplayData != null,
  display(data, metadata = {}) {
    write(data, metadata, undefined, false);
  },
  newDisplay() {
    const id = `course-${process.pid}-${++displays}-${Date.now().toString(36)}`;
    let shown = false;
    return {
      show(data) {
        write(data, {}, id, shown);
        shown = true;
      },
    };
  },
  needsPlotly: true,
};

function write(data: MimeBundle, metadata: Record<string, unknown>, id: string | undefined, update: boolean): void {
  const kernel = tslabKernel();
  if (kernel?.lastWriteDisplayData == null) throw new Error('Not ready: outputs are shown only while tslab runs a cell');
  kernel.lastWriteDisplayData({ data, metadata, transient: { display_id: id } }, update);
}

function startKernelThread(onExit: () => void): KernelThread | null {
  try {
    // Required here, not imported at the top, so the module loads where worker threads do not exist.
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { Worker } = require('node:worker_threads');
    const worker = new Worker(join(__dirname, '..', 'net', 'kernel-worker.js'));
    worker.unref();
    worker.on('error', onExit);
    worker.on('exit', onExit);
    return worker;
  } catch {
    return null;
  }
}

/** The project's data/ folder, next to dist/ and src/. */
const DATA_DIR = join(__dirname, '..', '..', 'data');

const data: DataFiles = {
  dataset: (name) => JSON.parse(readFileSync(join(DATA_DIR, `${name}.json`), 'utf8')),
  mnistDigit(d) {
    const dir = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
    const { data: pixels } = JSON.parse(readFileSync(join(dir, `${d}.json`), 'utf8')) as { data: number[] };
    return Float32Array.from(pixels);
  },
};

export const platform: Platform = {
  name: 'node',
  env: (name) => process.env[name],
  frontend,
  startKernelThread,
  data,
  packageFile: (id) => readFileSync(require.resolve(id), 'utf8'),
};
