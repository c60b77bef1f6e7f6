import * as tf from '@tensorflow/tfjs';
import { backendSummary, initBackend } from '../backend/backends';
import { platform } from '../platform';
import { displayHtml, inKernel } from './display';
import { queueKernelSends } from './kernel-sends';
import { plotlyBundleHtml } from './plot';

/**
 * A chapter's first cell: in a notebook, makes the kernel's messages wait their turn instead
 * of failing (kernel-sends.ts; tslab's zeromq, which a live page's kernel does not have);
 * picks the TensorFlow.js backend and prints it; and, where the page lacks it (JupyterLab's),
 * puts plotly.js on the page once for all the chapter's charts.
 */
export async function setupChapter(): Promise<void> {
  if (inKernel()) queueKernelSends();
  await initBackend();
  console.log(`TensorFlow.js ${tf.version.tfjs}, backend: ${backendSummary()}`);
  if (inKernel() && platform.frontend.needsPlotly) displayHtml(plotlyBundleHtml());
}
