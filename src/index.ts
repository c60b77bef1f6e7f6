// The course's helper library: everything a chapter imports comes from here.
export { ACTIVATIONS, LEAKY_RELU_ALPHA, activationFn } from './activations';
export type { Activation } from './activations';
export { BACKEND_CHOICES, BACKEND_ENV, initBackend } from './backend';
export { DATASET_NAMES, loadDataset } from './data';
export type { Dataset, Split } from './data';
export { displayHtml, inKernel, newDisplay } from './display';
export { computeFans } from './fans';
export type { Fans } from './fans';
export { INITIALIZER_NAMES, TRUNCATION_STD, initLabel, initializerSpec, sampleInit, sampleWeights } from './initializers';
export type { InitOptions, InitSpec, InitializerName, InitializerSpec } from './initializers';
export { COLORS, figure, plot, plotHtml, plotlyBundleHtml } from './plot';
export type { Figure, PlotOptions, Trace } from './plot';
export { DEFAULT_SEED } from './random';
export type { Seed } from './random';
export { setupChapter } from './setup';
export { accuracy, initMLP, predictProba, trainClassifier, unitSpread } from './train';
export type { MLPParams, TrainHistory, TrainOptions } from './train';
