// KaTeX 0.16 ships no types; the one function the live page calls.
declare module 'katex' {
  const katex: { renderToString(tex: string, options?: Record<string, unknown>): string };
  export default katex;
}
