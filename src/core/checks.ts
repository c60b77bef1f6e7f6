/**
 * Argument checks, the one place they live. Each check throws an Error that names the
 * argument and says what is allowed, so a learner never meets a NaN or a silent default
 * later. A function's options are declared as a schema of checks (`options`), not
 * checked by hand at each entry point.
 */

/** A value as it reads in an error message: strings quoted, arrays bracketed. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  return String(value);
}

/** A check: returns the value (typed) or throws an Error naming it. */
export type Check<T> = (name: string, value: unknown) => T;

export function checkFinite(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`${name} must be a finite number, got ${describe(value)}`);
  }
  return value;
}

export function checkNonNegative(name: string, value: unknown): number {
  const v = checkFinite(name, value);
  if (v < 0) throw new Error(`${name} must be >= 0, got ${describe(value)}`);
  return v;
}

export function checkPositive(name: string, value: unknown): number {
  const v = checkFinite(name, value);
  if (v <= 0) throw new Error(`${name} must be > 0, got ${describe(value)}`);
  return v;
}

export function checkPositiveInt(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new Error(`${name} must be a whole number >= 1, got ${describe(value)}`);
  }
  return value;
}

export function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new Error(`${name} must be true or false, got ${describe(value)}`);
  return value;
}

export function checkFunction<F>(name: string, value: unknown, signature: string): F {
  if (typeof value !== 'function') throw new Error(`${name} must be a function ${signature}, got ${describe(value)}`);
  return value as F;
}

export function checkOneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new Error(`${name} must be one of ${allowed.join(', ')}; got ${describe(value)}`);
  }
  return value as T;
}

/** [lo, hi], two finite numbers with lo < hi. */
export function checkRange(name: string, range: unknown): [number, number] {
  if (!Array.isArray(range) || range.length !== 2) throw new Error(`${name} must be [lo, hi], two finite numbers with lo < hi; got ${describe(range)}`);
  const lo = checkFinite(`${name}[0]`, range[0]);
  const hi = checkFinite(`${name}[1]`, range[1]);
  if (!(lo < hi)) throw new Error(`${name} must have lo < hi, got ${describe(range)}`);
  return [lo, hi];
}

/** A non-empty list of whole numbers >= 1 (a tensor's shape). */
export function checkShape(name: string, shape: unknown): number[] {
  if (!Array.isArray(shape) || shape.length === 0) {
    throw new Error(`${name} must be a non-empty array of whole numbers >= 1, got ${describe(shape)}`);
  }
  shape.forEach((d, i) => {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 1) {
      throw new Error(`${name}[${i}] must be a whole number >= 1, got ${describe(d)} in ${describe(shape)}`);
    }
  });
  return shape as number[];
}

/** Throws unless `options` is an object (what names the function that wants it). */
export function checkObject(what: string, options: unknown): Record<string, unknown> {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new Error(`${what} needs an options object, got ${describe(options)}`);
  }
  return options as Record<string, unknown>;
}

/** Rejects option keys a function does not use, instead of ignoring them silently. */
export function checkKeys(what: string, options: object, allowed: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if ((options as Record<string, unknown>)[key] === undefined) continue;
    if (!allowed.includes(key)) {
      throw new Error(`${what} does not take option "${key}"; it takes: ${allowed.join(', ')}`);
    }
  }
}

// ------------------------------------------------------------------ declared options

/** An option that may be left out (then undefined). */
export const optional = <T>(check: Check<T>): Check<T | undefined> => (name, value) =>
  value === undefined ? undefined : check(name, value);

/** An option that may be left out, then `fallback`. */
export const withDefault = <T>(check: Check<T>, fallback: T): Check<T> => (name, value) =>
  value === undefined ? fallback : check(name, value);

/** An option that must be given. */
export const required = <T>(check: Check<T>): Check<T> => check;

export const oneOf = <T extends string>(allowed: readonly T[]): Check<T> => (name, value) => checkOneOf(name, value, allowed);

/** An option whose value is checked elsewhere (a cross-field rule): passed through as given. */
export const passThrough = <T = unknown>(): Check<T | undefined> => (_name, value) => value as T | undefined;

export type Schema = Record<string, Check<unknown>>;
export type Checked<S extends Schema> = { [K in keyof S]: ReturnType<S[K]> };

/**
 * Checks a function's options against its declared schema: an object, no key it does not
 * take, and every value through its check (in the schema's order, so the first problem a
 * reader meets is the first option listed). Returns the checked values, defaults filled in.
 */
export function checkOptions<S extends Schema>(what: string, options: unknown, schema: S): Checked<S> {
  const raw = checkObject(what, options);
  checkKeys(what, raw, Object.keys(schema));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(schema)) out[key] = schema[key](key, raw[key]);
  return out as Checked<S>;
}
