/**
 * Argument checks shared by every helper. Each throws an Error that names the
 * argument and says what is allowed, so a learner never meets a NaN later.
 */

export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  return String(value);
}

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

export function checkOneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new Error(`${name} must be one of ${allowed.join(', ')}; got ${describe(value)}`);
  }
  return value as T;
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
