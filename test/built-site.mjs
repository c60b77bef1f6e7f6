// The site the page tests look at (test-output/site), built once for all the test files that
// need it: a build is 3 minutes of executing notebooks, and test/live.test.mjs and
// test/site.test.mjs look at the same pages. A stamp of everything the build reads (the
// notebooks, dist/, the scripts, src/, which the live runtime is bundled from, the data, the lock file) says
// whether the site there is the build of what is checked out now.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSite, chapterFiles } from '../scripts/build-site.mjs';
import { notebookInfo } from '../scripts/render.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
export const SITE = join(root, 'test-output/site');
const STAMP = join(SITE, '.built-from');

function files(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

function fingerprint() {
  const hash = createHash('sha256');
  const inputs = [
    ...['notebooks', 'dist', 'scripts', 'src', 'data'].flatMap((d) => files(join(root, d))),
    join(root, 'package-lock.json'),
  ].sort();
  for (const f of inputs) hash.update(`${relative(root, f)}\0${statSync(f).size}\0`).update(readFileSync(f));
  return hash.digest('hex');
}

/** The site built from the checked-out sources: { out, chapters: [{ file, html, title, summary }] }. */
export async function builtSite() {
  const print = fingerprint();
  const fresh = existsSync(STAMP) && readFileSync(STAMP, 'utf8') === print
    && chapterFiles().every((f) => existsSync(join(SITE, 'notebooks', f)) && existsSync(join(SITE, f.replace(/\.ipynb$/, '.html'))));
  if (fresh) {
    return {
      out: SITE,
      chapters: chapterFiles().map((file) => ({
        file, html: basename(file, '.ipynb') + '.html', ...notebookInfo(JSON.parse(readFileSync(join(SITE, 'notebooks', file), 'utf8'))),
      })),
    };
  }
  const site = await buildSite(['--out', SITE]);
  writeFileSync(STAMP, print);
  return site;
}
