// The site the page tests look at (test-output/site), built once for all the test files that
// need it: a build is minutes of executing notebooks, and test/live.test.mjs and
// test/site.test.mjs look at the same pages. Two stamps say what the site there was built
// from: what the notebooks' execution reads (the notebooks, the compiled library, the data,
// the lock file, the script that runs them) and what the pages are rendered from (the scripts and
// src/, which the live runtime is bundled from). A change to the first executes again; a
// change to the second only renders the pages again (build-site.mjs --render-only).
// COURSE_SITE_REUSE=1 renders from the notebooks executed last time whatever changed (for
// work on the pages alone).
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

function hashOf(paths) {
  const hash = createHash('sha256');
  for (const f of [...paths].sort()) hash.update(`${relative(root, f)}\0${statSync(f).size}\0`).update(readFileSync(f));
  return hash.digest('hex');
}

/** { execution, rendering }: hashes of what each step of the build reads. */
export function fingerprint() {
  const execution = [
    ...['notebooks', 'dist', 'data'].flatMap((d) => files(join(root, d))).filter((f) => !f.startsWith(join(root, 'dist/live'))),
    join(root, 'package-lock.json'), join(root, 'scripts/live/node-kernel.mjs'),
  ];
  const rendering = ['scripts', 'src'].flatMap((d) => files(join(root, d)));
  return { execution: hashOf(execution), rendering: hashOf(rendering) };
}

/** The site built from the checked-out sources: { out, chapters: [{ file, html, title, summary }] }. */
export async function builtSite() {
  const now = fingerprint();
  const was = existsSync(STAMP) ? JSON.parse(readFileSync(STAMP, 'utf8')) : {};
  const complete = chapterFiles().every((f) => existsSync(join(SITE, 'notebooks', f)) && existsSync(join(SITE, f.replace(/\.ipynb$/, '.html'))));
  if (complete && was.execution === now.execution && was.rendering === now.rendering) {
    return {
      out: SITE,
      chapters: chapterFiles().map((file) => ({
        file, html: basename(file, '.ipynb') + '.html', ...notebookInfo(JSON.parse(readFileSync(join(SITE, 'notebooks', file), 'utf8'))),
      })),
    };
  }
  const reuse = process.env.COURSE_SITE_REUSE === '1' && existsSync(join(SITE, 'notebooks'));
  const execute = !reuse && !(complete && was.execution === now.execution);
  const site = await buildSite(['--out', SITE, ...(execute ? [] : ['--render-only'])]);
  writeFileSync(STAMP, JSON.stringify(now));
  return site;
}
