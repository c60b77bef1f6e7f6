/**
 * What every checker of the chapters' "your turn" cells returns: a verdict that says in words
 * what is wrong (a standard deviation given where a variance was asked, fan-in and fan-out
 * swapped, a missing factor of 2), not just right or wrong. Each chapter's checkers live in a
 * file of their own beside this one.
 */
import * as tf from '@tensorflow/tfjs';

export interface Feedback {
  ok: boolean;
  message: string;
}

export const right = (message: string): Feedback => ({ ok: true, message });
export const wrong = (message: string): Feedback => ({ ok: false, message });

const MEASUREMENTS = new Map<string, unknown>();

/**
 * A checker's measurement of a seeded network, made once per backend and key in a session:
 * the network is the same on every call, so a learner's second try (and a test's tenth) quotes
 * the numbers of the first without running it again. The backend is part of the key, since
 * two backends' float32 sums may differ in their last digits.
 */
export function measuredOnce<T>(key: string, measure: () => T): T {
  const k = `${tf.getBackend()}\0${key}`;
  if (!MEASUREMENTS.has(k)) MEASUREMENTS.set(k, measure());
  return MEASUREMENTS.get(k) as T;
}

/** Equal to rounding: a learner's formula computed in another order. */
export const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
