import * as tf from '@tensorflow/tfjs';
import { checkOneOf } from '../core/checks';

export const ACTIVATION_NAMES = ['linear', 'relu', 'tanh', 'sigmoid', 'leakyRelu', 'selu'] as const;
export type Activation = (typeof ACTIVATION_NAMES)[number];

/** The slope of leakyRelu for negative inputs (Keras's LeakyReLU default is 0.3; PyTorch's 0.01). */
export const LEAKY_RELU_ALPHA = 0.01;

/**
 * SELU's constants (Klambauer et al. 2017, "Self-Normalizing Neural Networks"):
 * selu(x) = lambda x for x > 0, lambda alpha (e^x - 1) for x <= 0, with lambda and alpha
 * chosen so that z ~ N(0, 1) gives selu(z) mean 0 and variance 1 (the paper's lambda_01
 * and alpha_01, the values TensorFlow.js's tf.selu uses). Chapter 6.
 */
export const SELU_LAMBDA = 1.0507009873554804934193349852946;
export const SELU_ALPHA = 1.6732632423543772848170429916717;

/** The non-linearity as a function of tensors (the identity for 'linear'): every network of the course uses it. */
export function activationFn(name: Activation): (x: tf.Tensor) => tf.Tensor {
  switch (checkOneOf('activation', name, ACTIVATION_NAMES)) {
    case 'linear':
      return (x) => x;
    case 'relu':
      return (x) => tf.relu(x);
    case 'tanh':
      // tanh(x) = 2 sigmoid(2x) - 1, to float32 rounding (within 2e-7). The wasm backend's
      // tanh is scalar code and its sigmoid vectorised: this form is about 9x faster there.
      return (x) => tf.tidy(() => tf.sub(tf.mul(2, tf.sigmoid(tf.mul(2, x))), 1));
    case 'sigmoid':
      return (x) => tf.sigmoid(x);
    case 'leakyRelu':
      return (x) => tf.leakyRelu(x, LEAKY_RELU_ALPHA);
    case 'selu':
      return (x) => tf.selu(x);
  }
}
