// JupyterLab on the chapters, with the course's TypeScript kernel: the project's own
// JupyterLab from .venv/. `npm run lab` runs the set-up and `npm run build` first.
//
//   npm run lab [-- JUPYTERLAB OPTIONS]     e.g. npm run lab -- --port=9999
//
// Prints the address to open (with its token) once the server answers; Ctrl+C stops it.
// Opens a browser itself only where there is a display to open it on.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, jupyterEnv, requireVenv, venvBin } from './python-env.mjs';

// Jupyter prints its address with the token hidden ("?token=..."), so the token is ours.
export function labArgs(userArgs, { token, isRoot, hasDisplay }) {
  const has = (re) => userArgs.some((a) => re.test(a));
  return [
    `--ServerApp.root_dir=${join(ROOT, 'notebooks')}`,
    ...(has(/^--(IdentityProvider|ServerApp|NotebookApp)\.token=/) ? [] : [`--IdentityProvider.token=${token}`]),
    ...(hasDisplay || has(/^--(no-)?browser$|open_browser/) ? [] : ['--no-browser']),
    ...(isRoot && !has(/^--allow-root$/) ? ['--allow-root'] : []),
    ...userArgs,
  ];
}

// The address in Jupyter's "is running at" line, with the token put back in.
export function labUrl(logText, token) {
  const urls = [...logText.matchAll(/(https?:\/\/[^\s]+\/lab)(\?token=\S*)?/g)];
  if (!urls.length) return null;
  const [, url, query] = urls.find((m) => m[1].includes('127.0.0.1')) ?? urls[0];
  return query ? `${url}?token=${query === '?token=...' ? token : query.slice('?token='.length)}` : url;
}

function main() {
  requireVenv('npm run lab');
  if (!existsSync(join(ROOT, 'dist/index.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm run lab does)');
  const token = randomBytes(24).toString('hex');
  const args = labArgs(process.argv.slice(2), { token, isRoot: process.getuid?.() === 0, hasDisplay: Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY) });
  const child = spawn(venvBin('jupyter-lab'), args, { cwd: ROOT, env: jupyterEnv(), stdio: ['inherit', 'inherit', 'pipe'] });
  let log = '';
  let shown = false;
  child.stderr.on('data', (d) => {
    process.stderr.write(d);
    if (shown) return;
    log += d;
    const url = /is running at:/.test(log) && labUrl(log.slice(log.indexOf('is running at:')), token);
    if (url) {
      shown = true;
      console.log(`\nJupyterLab is running on notebooks/, with the course's TypeScript kernel. Open:\n\n    ${url}\n\n` +
        'Open a chapter, then Run > Run All Cells. Ctrl+C stops the server.\n');
    }
  });
  // Ctrl+C (or a kill) stops the server at once: one SIGINT alone would make Jupyter ask
  // for a confirmation first; SIGTERM shuts it and its kernels down.
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill('SIGTERM'));
  child.on('close', (code, signal) => process.exit(code ?? (signal === 'SIGTERM' ? 0 : 1)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    main();
  } catch (e) {
    console.error(`lab: ${e.message}`);
    process.exit(1);
  }
}
