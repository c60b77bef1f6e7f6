import * as tf from '@tensorflow/tfjs';
import { checkOneOf } from './errors';

export const ACTIVATIONS = ['linear', 'relu', 'tanh', 'sigmoid', 'leakyRelu'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/** The slope of leakyRelu for negative inputs (Keras's LeakyReLU default is 0.3; PyTorch's 0.01). */
export const LEAKY_RELU_ALPHA = 0.01;

export function activationFn(name: Activation): (x: tf.Tensor) => tf.Tensor {
  switch (checkOneOf('activation', name, ACTIVATIONS)) {
    case 'linear':
      return (x) => x;
    case 'relu':
      return (x) => tf.relu(x);
    case 'tanh':
      return (x) => tf.tanh(x);
    case 'sigmoid':
      return (x) => tf.sigmoid(x);
    case 'leakyRelu':
      return (x) => tf.leakyRelu(x, LEAKY_RELU_ALPHA);
  }
}
