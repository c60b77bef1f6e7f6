import * as tf from '@tensorflow/tfjs';
import { backendSummary, initBackend } from '../backend/backends';
import { displayHtml, inKernel } from './display';
import { queueKernelSends } from './kernel-sends';
import { plotlyBundleHtml } from './plot';

/**
 * A chapter's first cell: picks the TensorFlow.js backend, prints it, and (in a
 * notebook) puts plotly.js on the page once for all the chapter's charts and makes the
 * kernel's messages wait their turn instead of failing (kernel-sends.ts).
 */
export async function setupChapter(): Promise<void> {
  if (inKernel()) queueKernelSends();
  await initBackend();
  console.log(`TensorFlow.js ${tf.version.tfjs}, backend: ${backendSummary()}`);
  if (inKernel()) displayHtml(plotlyBundleHtml());
}
