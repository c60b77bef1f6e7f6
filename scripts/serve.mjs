// Serves the built site over HTTP on this machine only, and prints its address.
//
//   npm run serve                     site/ on http://127.0.0.1:8000/ (or the next free port)
//   node scripts/serve.mjs [--dir DIR] [--port N]
//
// The site works from disk too (open site/index.html); over HTTP it is a web site like any
// other, for a browser that keeps pages opened from disk on a shorter leash. Its pages are
// served cross-origin isolated (the COOP and COEP headers below), which gives a live page's
// kernel shared memory, and with it a second thread that draws the weights ahead, as Node's
// kernel has; a page opened from disk cannot be isolated, and draws them on the kernel's own
// thread. Ctrl+C stops it.
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const args = { dir: join(root, 'site'), port: 8000, portGiven: false };
  for (let i = 0; i < argv.length; i++) {
    const [key, value] = [argv[i], argv[i + 1]];
    if (key === '--dir') args.dir = resolve(value), i++;
    else if (key === '--port') args.port = Number(value), args.portGiven = true, i++;
    else throw new Error(`unknown argument ${key}; use --dir DIR, --port N`);
  }
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) throw new Error('--port must be a whole number from 0 to 65535');
  return args;
}

/** The headers that make a page cross-origin isolated: everything the site loads is its own. */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * Starts the server on 127.0.0.1; resolves to { url, close } once it listens. Without an
 * explicit port, a busy one is skipped for the next (up to 20 tries); port 0 takes any free one.
 */
export async function serve({ dir = join(root, 'site'), port = 8000, portGiven = false } = {}) {
  if (!existsSync(join(dir, 'index.html'))) throw new Error(`${dir}/index.html is missing: build the site first (npm start)`);
  const handler = sirv(dir, { dev: true, etag: true });
  for (let attempt = 0; ; attempt++) {
    const server = createServer((req, res) => {
      for (const [name, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(name, value);
      handler(req, res, () => {
        res.statusCode = 404;
        res.end('Not found');
      });
    });
    try {
      await new Promise((ok, fail) => {
        server.once('error', fail);
        server.listen(port + (portGiven || port === 0 ? 0 : attempt), '127.0.0.1', ok);
      });
      const { port: actual } = server.address();
      return { url: `http://127.0.0.1:${actual}/`, close: () => new Promise((ok) => server.close(ok)), server };
    } catch (e) {
      if (e.code !== 'EADDRINUSE' || portGiven || port === 0 || attempt >= 19) throw e;
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const { url } = await serve(parseArgs(process.argv.slice(2)));
    console.log(`Serving the course at ${url} (only on this machine; Ctrl+C stops it)`);
  } catch (e) {
    console.error(`serve: ${e.message}`);
    process.exit(1);
  }
}
