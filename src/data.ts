import { readFileSync } from 'fs';
import { join } from 'path';
import { checkOneOf } from './errors';

export interface Split {
  /** One row per example. */
  x: number[][];
  /** Class labels, 0-based. */
  y: number[];
}

export interface Dataset {
  name: string;
  description: string;
  train: Split;
  test: Split;
}

export const DATASET_NAMES = ['circles'] as const;

/** Path of the project's data/ folder (next to dist/ and src/). */
export const DATA_DIR = join(__dirname, '..', 'data');

/** Loads one of the data sets in data/ (see data/README.md for how each was made). */
export function loadDataset(name: (typeof DATASET_NAMES)[number]): Dataset {
  checkOneOf('name', name, DATASET_NAMES);
  return JSON.parse(readFileSync(join(DATA_DIR, `${name}.json`), 'utf8'));
}
