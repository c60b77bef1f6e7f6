/** Chapter 1's checker: an init that breaks the symmetry and lets the circles network learn. */
import { loadDataset } from '../data/circles';
import { InitSpec, initLabel, sampleInit } from '../init/initspec';
import { trainClassifier } from '../train/classifier';
import { Feedback, right, wrong } from './verdict';

/**
 * Exercise (chapter 1): an init that lets the circles network learn. Trains the chapter's
 * network briefly and says whether the units stayed identical or the network stayed weak.
 */
export function checkSymmetryFix(init: InitSpec): Feedback {
  let kernel: Float32Array;
  try {
    kernel = sampleInit(init, [2, 10], 'exercise');
  } catch (e) {
    return wrong(`That init cannot be used: ${(e as Error).message}`);
  }
  if (kernel.every((v) => v === kernel[0])) {
    return wrong(`${initLabel(init)} gives every weight the same value (${Number(kernel[0].toPrecision(6))}), so every hidden unit starts identical and stays identical: the symmetry is not broken. Use a random initializer.`);
  }
  const data = loadDataset('circles');
  const h = trainClassifier({ sizes: [2, 10, 5, 1], init, data: data.train, learningRate: 0.1, steps: 1500, recordEvery: 1500, seed: 'exercise' });
  const acc = h.accuracy[h.accuracy.length - 1];
  if (!(Number.isFinite(h.loss[h.loss.length - 1]))) return wrong(`With ${initLabel(init)} the training diverged (the loss became ${h.loss[h.loss.length - 1]}): the weights are far too large.`);
  if (acc < 0.9) {
    return wrong(`The units start different now, but after 1500 steps the network classifies only ${(100 * acc).toFixed(0)}% of the training points: the random weights are too small or too large to learn quickly. Try a scaled init such as heNormal or glorotUniform.`);
  }
  return right(`Right: with ${initLabel(init)} the hidden units start apart and the network classifies ${(100 * acc).toFixed(0)}% of the training points after 1500 steps.`);
}
