/**
 * What every checker of the chapters' "your turn" cells returns: a verdict that says in words
 * what is wrong (a standard deviation given where a variance was asked, fan-in and fan-out
 * swapped, a missing factor of 2), not just right or wrong. Each chapter's checkers live in a
 * file of their own beside this one.
 */

export interface Feedback {
  ok: boolean;
  message: string;
}

export const right = (message: string): Feedback => ({ ok: true, message });
export const wrong = (message: string): Feedback => ({ ok: false, message });

/** Equal to rounding: a learner's formula computed in another order. */
export const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
