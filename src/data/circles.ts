import { readFileSync } from 'fs';
import { join } from 'path';
import { checkOneOf } from '../core/checks';
import { Examples, examplesFrom } from './examples';

export interface Dataset {
  name: string;
  description: string;
  train: Examples;
  test: Examples;
}

export const DATASET_NAMES = ['circles'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

/** The project's data/ folder, next to dist/ and src/. */
const DATA_DIR = join(__dirname, '..', '..', 'data');

/** Loads one of the data sets in data/ (see data/README.md for how each was made). Chapter 1 uses the circles. */
export function loadDataset(name: DatasetName): Dataset {
  checkOneOf('name', name, DATASET_NAMES);
  const raw = JSON.parse(readFileSync(join(DATA_DIR, `${name}.json`), 'utf8'));
  const split = (s: { x: number[][]; y: number[] }) => examplesFrom(s.x, s.y);
  return { name: raw.name, description: raw.description, train: split(raw.train), test: split(raw.test) };
}
