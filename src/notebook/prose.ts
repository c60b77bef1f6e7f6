/**
 * Prose that quotes computed numbers. A chapter's sentence that interprets a result is a
 * "prose cell": a code cell whose input is hidden, whose source is `K.md\`...\``, and whose
 * output is the sentence as markdown, with every number filled in from the values the cells
 * above computed. So the prose states the number (the reader does not scroll back), it is
 * the number of this run on this backend, and it cannot go stale. The display carries the
 * quotes (value, text, rounding) in its metadata, so a test can check each one against its
 * value and find any number typed by hand.
 *
 *   K.md`The loss starts at ${K.fixed(loss0, 3)}, ${K.pct(share)} of the units are dead.`
 *
 * A plain number is quoted whole if it is an integer and to 3 significant digits if not;
 * `sig`, `fixed` and `pct` state the rounding. Strings are pasted as they are (a word that
 * depends on a result: `${s === 0 ? 'exactly zero' : 'not zero'}`). The template is taken
 * raw, so LaTeX is written as in a markdown cell (`$\ln 2$`); only \` and \${ are escapes.
 */
import { checkFinite, describe } from '../core/checks';
import { displayData } from './display';

/** How a quoted number was rounded: significant digits, decimals, or percent with decimals. */
export type QuoteRule = { sig: number } | { fixed: number } | { percent: number };

/** A number as the prose quotes it. */
export interface Quote {
  value: number;
  text: string;
  rule: QuoteRule;
}

/** The metadata key under which a prose display lists its quotes. */
export const PROSE_METADATA = 'course';

/** Below 10^-3, and from 10^6 up, a significant-digit quote is written m × 10ⁿ. */
const SMALLEST_PLAIN_EXPONENT = -3;
const LARGEST_PLAIN_EXPONENT = 5;
const MAX_DIGITS = 15;

class Quoted implements Quote {
  constructor(
    readonly value: number,
    readonly text: string,
    readonly rule: QuoteRule,
  ) {}
}

const SUPERSCRIPT: Record<string, string> = {
  '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹',
};

/** Prose writes a minus as the minus sign, not a hyphen. */
const minus = (s: string) => s.replace(/^-/, '−');

function checkDigits(name: string, digits: unknown, least: number): number {
  if (typeof digits !== 'number' || !Number.isInteger(digits) || digits < least || digits > MAX_DIGITS) {
    throw new Error(`${name} must be a whole number from ${least} to ${MAX_DIGITS}, got ${describe(digits)}`);
  }
  return digits;
}

/** `value` to `digits` significant digits: 0.0123, 1.50, 2.39; 1.07 × 10⁻⁷ below 0.001 and from a million up. */
export function sig(value: number, digits = 3): Quote {
  checkFinite('sig(value)', value);
  checkDigits('sig(digits)', digits, 1);
  if (value === 0) return new Quoted(value, '0', { sig: digits });
  const [mantissa, exponent] = value.toExponential(digits - 1).split('e');
  const e = Number(exponent);
  let text: string;
  if (e < SMALLEST_PLAIN_EXPONENT || e > LARGEST_PLAIN_EXPONENT) {
    const power = String(e).replace(/^\+/, '').split('').map((c) => SUPERSCRIPT[c]).join('');
    text = `${minus(mantissa)} × 10${power}`;
  } else if (e >= digits - 1) {
    // Whole at this precision: 12345 to 3 digits is 12300, not 1.23e+4.
    text = minus(String(Number(value.toPrecision(digits))));
  } else {
    text = minus(value.toPrecision(digits));
  }
  return new Quoted(value, text, { sig: digits });
}

/** `value` with `digits` decimals: fixed(0.9412, 2) is 0.94. */
export function fixed(value: number, digits: number): Quote {
  checkFinite('fixed(value)', value);
  checkDigits('fixed(digits)', digits, 0);
  const text = value.toFixed(digits);
  // -0.00 is 0.00: a rounding that leaves nothing has no sign.
  return new Quoted(value, Number(text) === 0 ? text.replace(/^-/, '') : minus(text), { fixed: digits });
}

/** A fraction as a percentage with `digits` decimals: pct(0.9412) is 94%. */
export function pct(fraction: number, digits = 0): Quote {
  checkFinite('pct(fraction)', fraction);
  checkDigits('pct(digits)', digits, 0);
  const text = (fraction * 100).toFixed(digits);
  return new Quoted(fraction, `${Number(text) === 0 ? text.replace(/^-/, '') : minus(text)}%`, { percent: digits });
}

/** A prose paragraph: its markdown and the numbers it quotes. */
export interface Prose {
  markdown: string;
  quotes: Quote[];
}

/**
 * What a template's ${...} may hold: a number, a quote, a string, or a fragment made by
 * `prose` (a clause whose numbers are quotes, for a part of a sentence that depends on a result:
 * `${n > 0 ? K.prose\`the first at ${K.sig(x)}\` : 'none'}`).
 */
export type ProseValue = Quote | number | string | Prose;

const isFragment = (v: unknown): v is Prose =>
  !!v && typeof v === 'object' && typeof (v as Prose).markdown === 'string' && Array.isArray((v as Prose).quotes);

function quoteOf(value: unknown, position: number): Quote | string | Prose {
  if (value instanceof Quoted) return value;
  if (typeof value === 'string' || isFragment(value)) return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new Error(`md: the value of \${...} number ${position + 1} is ${value}; only finite numbers can be quoted`);
    }
    if (Number.isInteger(value)) return new Quoted(value, minus(String(value)), { fixed: 0 });
    return sig(value);
  }
  throw new Error(`md: \${...} number ${position + 1} must be a number, a string, a quote (K.sig, K.fixed, K.pct) or a fragment (K.prose), got ${describe(value)}`);
}

/** The paragraph a `K.md` template makes, without showing it (what tests and other renderers use). */
export function prose(strings: TemplateStringsArray, ...values: ProseValue[]): Prose {
  if (!strings || !Array.isArray(strings.raw)) throw new Error('prose is a template tag: write prose`...`, not prose(...)');
  const raw = strings.raw.map((s) => s.replace(/\\`/g, '`').replace(/\\\$\{/g, '${'));
  const quotes: Quote[] = [];
  let markdown = raw[0];
  values.forEach((v, i) => {
    const q = quoteOf(v, i);
    if (typeof q === 'string') {
      markdown += q;
    } else if (isFragment(q)) {
      quotes.push(...q.quotes);
      markdown += q.markdown;
    } else {
      quotes.push({ value: q.value, text: q.text, rule: q.rule });
      markdown += q.text;
    }
    markdown += raw[i + 1];
  });
  return { markdown: markdown.trim(), quotes };
}

/**
 * Shows a prose paragraph in the notebook: markdown with math, its quotes in the display's
 * metadata. Write it as a template: K.md`...${value}...`.
 */
export function md(strings: TemplateStringsArray, ...values: ProseValue[]): void {
  const p = prose(strings, ...values);
  displayData({ 'text/markdown': p.markdown, 'text/plain': p.markdown }, { [PROSE_METADATA]: { quotes: p.quotes } });
}
