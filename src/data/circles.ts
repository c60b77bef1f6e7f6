import { checkOneOf } from '../core/checks';
import { platform } from '../platform';
import { Examples, examplesFrom } from './examples';

export interface Dataset {
  name: string;
  description: string;
  train: Examples;
  test: Examples;
}

type Split = { x: number[][]; y: number[] };

export const DATASET_NAMES = ['circles'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

/** Loads one of the data sets in data/ (see data/README.md for how each was made). Chapter 1 uses the circles. */
export function loadDataset(name: DatasetName): Dataset {
  checkOneOf('name', name, DATASET_NAMES);
  const raw = platform.data.dataset(name) as { name: string; description: string; train: Split; test: Split };
  const split = (s: Split) => examplesFrom(s.x, s.y);
  return { name: raw.name, description: raw.description, train: split(raw.train), test: split(raw.test) };
}
