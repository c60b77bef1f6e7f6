/**
 * The "Run this page" switch (assets/live/switch.js), the only live-mode script a chapter
 * page loads. It adds the switch; the live runtime (page.js, the kernel, the wasm binary,
 * the data) is loaded only when a reader first turns it on. Scripts, not fetch: a page
 * opened from disk may load scripts beside it but not fetch them.
 */
import { courseLive, loadScript } from './global';

/** Filled in by the build: how many MB the first switch-on loads. */
declare const LIVE_SIZE_MB: string;

const STYLE = `.live-bar{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;display:flex;flex-wrap:wrap;align-items:center;gap:.4rem .8rem;margin:.6rem 0 1rem;padding:.5rem .75rem;border:1px solid var(--rule,#d8dee4);border-radius:8px;background:var(--code-bg,#f6f8fa)}
.live-switch{position:relative;font:600 14px system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--text,#1f2328);background:none;border:0;padding:.25rem .3rem .25rem 3em;cursor:pointer}
.live-switch::before{content:"";position:absolute;left:.25em;top:50%;width:2.3em;height:1.3em;margin-top:-.65em;border-radius:.65em;background:var(--muted,#59636e);transition:background .15s}
.live-switch::after{content:"";position:absolute;left:.4em;top:50%;width:1em;height:1em;margin-top:-.5em;border-radius:50%;background:#fff;transition:left .15s}
.live-switch[aria-checked=true]::before{background:var(--accent,#0a5fb4)}
.live-switch[aria-checked=true]::after{left:1.4em}
.live-switch:focus-visible{outline:2px solid var(--accent,#0a5fb4);outline-offset:2px;border-radius:4px}
.live-hint{color:var(--muted,#59636e)}`;

function init(): void {
  const script = document.currentScript as HTMLScriptElement | null;
  const base = script ? script.src.replace(/switch\.js(\?.*)?$/, '') : 'assets/live/';
  const chapter = decodeURIComponent(location.pathname.split('/').pop() ?? '').replace(/\.html$/, '');
  const main = document.querySelector('main');
  if (!main || !document.querySelector('[data-cell]')) return;

  const style = document.createElement('style');
  style.textContent = STYLE;
  document.head.append(style);
  const bar = document.createElement('div');
  bar.className = 'live-bar';
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'live-switch';
  button.setAttribute('role', 'switch');
  button.setAttribute('aria-checked', 'false');
  button.textContent = 'Run this page';
  const hint = document.createElement('span');
  hint.className = 'live-hint';
  hint.textContent = `Edit and run the code here, in your browser, with no install (the first time loads about ${LIVE_SIZE_MB} MB).`;
  bar.append(button, hint);
  // Under the page's tools row (downloads, JupyterLab), above the chapter: the page template's
  // place for live mode (scripts/render.mjs); a page without that row has it first in <main>.
  const tools = main.querySelector(':scope > .page-tools');
  if (tools) tools.after(bar);
  else main.prepend(bar);

  let page: { setOn(on: boolean): void } | null = null;
  let loading: Promise<void> | null = null;
  let on = false;
  button.addEventListener('click', () => {
    on = !on;
    button.setAttribute('aria-checked', String(on));
    if (page) {
      page.setOn(on);
      return;
    }
    loading ??= (async () => {
      hint.textContent = 'Loading the live runtime...';
      const link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = `${base}live.css`;
      document.head.append(link);
      await Promise.all(['page.js', 'kernel.js', 'wasm-simd.js', 'data/circles.js', `notebooks/${chapter}.js`].map((f) => loadScript(base + f)));
      const live = courseLive();
      const notebook = live.notebooks[chapter];
      if (!live.start || !notebook) throw new Error(`the live runtime has no notebook for ${chapter}`);
      hint.remove();
      page = live.start({ base, bar, button, notebook });
      page.setOn(on);
    })().catch((e: Error) => {
      loading = null;
      on = false;
      button.setAttribute('aria-checked', 'false');
      hint.textContent = `Live mode could not load (${e.message}). Rebuild the site with npm start, or serve it with npm run serve.`;
    });
  });
}

init();
