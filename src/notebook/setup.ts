import * as tf from '@tensorflow/tfjs';
import { backendSummary, initBackend } from '../backend/backends';
import { platform } from '../platform';
import { displayHtml, inKernel } from './display';
import { plotlyBundleHtml } from './plot';

/**
 * A chapter's first cell: picks the TensorFlow.js backend, prints it, and (in a
 * notebook whose page lacks it) puts plotly.js on the page once for all the chapter's charts.
 */
export async function setupChapter(): Promise<void> {
  await initBackend();
  console.log(`TensorFlow.js ${tf.version.tfjs}, backend: ${backendSummary()}`);
  if (inKernel() && platform.frontend.needsPlotly) displayHtml(plotlyBundleHtml());
}
