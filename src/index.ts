// The course's helper library: everything a chapter imports comes from here, grouped by
// the folders of src/ (src/README.md maps them). Lists of allowed names are NAME_NAMES.

// core/: seeded random numbers, statistics, histograms
export { DEFAULT_SEED } from './core/random';
export type { Seed } from './core/random';
export { gaussianExpectation, logLogSlope, logSlope, moments, normalPdf, simpson, studentTQuantile } from './core/stats';
export type { Moments } from './core/stats';
export { binEdges, histogram } from './core/histogram';
export { singularValues } from './core/linalg';
export type { Histogram, HistogramOptions } from './core/histogram';

// init/: fans, Keras's formulas, the samplers, InitSpec, TensorFlow.js initializers
export { computeFans } from './init/fans';
export type { Fans } from './init/fans';
export { INITIALIZER_NAMES, TRUNCATION_STD, weightDistribution } from './init/formulas';
export type { InitOptions, InitializerName, WeightDistribution } from './init/formulas';
export { sampleWeights } from './init/samplers';
export { initDistribution, initLabel, sampleInit } from './init/initspec';
export type { InitSpec } from './init/initspec';
export { tfInitializer } from './init/tfinit';
export type { TfInitializer } from './init/tfinit';

// net/: activations, the MLP, the network engine's views
export { ACTIVATION_NAMES, LEAKY_RELU_ALPHA, SELU_ALPHA, SELU_LAMBDA, activationFn } from './net/activations';
export type { Activation } from './net/activations';
export { initMLP } from './net/mlp';
export type { MLPParams } from './net/mlp';
export type { NetworkOptions } from './net/network';
export { signalPropagation } from './net/propagation';
export type { BackwardLayer, ForwardLayer, Propagation, PropagationOptions } from './net/propagation';
export { GRADIENT_NAMES, layerSamples } from './net/samples';
export { correlationPropagation } from './net/correlation';
export type { CorrelationLayer, CorrelationOptions, CorrelationPropagation } from './net/correlation';
export { jacobianMoments } from './net/jacobian';
export type { JacobianLayer, JacobianMoments, JacobianOptions } from './net/jacobian';
export type { GradientKind, LayerSample, LayerSamples, LayerSamplesOptions, LayerValues } from './net/samples';
export { MUP_FORMS, PARAMETRIZATION_NAMES, PARAMETRIZED_OPTIMIZERS, READOUT_NAMES, initParametrized, parametrize } from './net/parametrization';
export type {
  LayerRole, LayerScale, MupForm, Parametrization, ParametrizationName, ParametrizationOptions, ParametrizedOptimizer, ReadoutInit,
} from './net/parametrization';
export { NORM_EPSILON, NORM_NAMES, NORM_POSITIONS } from './net/blocks';
export type { NormName, NormPosition, ResidualOptions } from './net/blocks';
export { residualStream } from './net/stream';
export { lsuv } from './net/lsuv';
export type { LsuvOptions, LsuvResult } from './net/lsuv';
export type { ResidualStream, StreamBlock } from './net/stream';

// theory/: mean-field predictions (variance and correlation maps, the edge of chaos), SELU's moment map, Jacobian spectra, batch norm's gradient rate
export { activationMoments, correlationMap, criticalWeightVariance, meanField, varianceMap } from './theory/meanfield';
export type { ActivationMoments, MeanField, MeanFieldOptions } from './theory/meanfield';
export { batchNormGradientRate } from './theory/batchnorm';
export type { BatchNormRateOptions } from './theory/batchnorm';
export { seluFixedPoint, seluMoments } from './theory/selu';
export type { SeluFixedPoint, SeluMoments, SeluWeights } from './theory/selu';
export { WEIGHT_ENSEMBLES, gaussianProductMoments, jacobianSpectrum } from './theory/isometry';
export type { JacobianSpectrum, JacobianSpectrumOptions, WeightEnsemble } from './theory/isometry';

// train/: the trainers of chapters 1, 2, 4 and 8
export { accuracy, predictProba, trainClassifier, unitSpread } from './train/classifier';
export type { TrainHistory, TrainOptions } from './train/classifier';
export { leastSquares, linearTask, trainDeepLinear } from './train/linear';
export type { DeepLinearHistory, DeepLinearOptions, LinearTask, LinearTaskOptions } from './train/linear';
export { OPTIMIZER_NAMES, trainDeepClassifier } from './train/deep';
export type { DeepTrainHistory, DeepTrainOptions, OptimizerName } from './train/deep';
// chapter 8: the teacher task, per-layer Adam and SGD, training through a parametrization
export { teacherFit, teacherTask } from './train/teacher';
export type { RegressionExamples, TeacherFit, TeacherTask, TeacherTaskOptions } from './train/teacher';
export { ADAM_DEFAULTS, layerwiseAdam, layerwiseSgd } from './train/optimizers';
export type { AdamOptions, LayerwiseOptimizer } from './train/optimizers';
export { trainParametrized } from './train/parametrized';
export type { ParametrizedHistory, ParametrizedRunOptions, ParametrizedTrainOptions } from './train/parametrized';
export { adamDenominators, coordinateCheck } from './train/coordinate';
export type { AdamDenominatorOptions, AdamDenominators, CoordinateCheck, CoordinateCheckOptions, CoordinateLayer } from './train/coordinate';
export { learningRateSweep } from './train/sweep';
export type { LearningRateSweepOptions, SweepRow } from './train/sweep';
export { averageSweeps, coordinateSlopes, optimumShift, spread } from './train/seedstats';
export type { AverageSweepsOptions, AveragedSweep, CoordinateSlopes, OptimumShift, OptimumShiftOptions, SeedOptimum, Spread } from './train/seedstats';

// data/: examples, the circles, MNIST
export { rows } from './data/examples';
export type { Examples } from './data/examples';
export { DATASET_NAMES, loadDataset } from './data/circles';
export type { Dataset, DatasetName } from './data/circles';
export { MNIST_CLASSES, MNIST_PIXELS, MNIST_TEST_POOL, loadMnist, mnistCounts } from './data/mnist';
export type { Mnist, MnistOptions, MnistSplit } from './data/mnist';

// backend/: which TensorFlow.js backend runs what
export { BACKEND_ENV, BACKEND_NAMES, LARGE_PASS, LARGE_TRAINING_STEP, backendSummary, backends, initBackend, onBackendFor, withBackend } from './backend/backends';
export type { BackendChoice, Backends } from './backend/backends';

// notebook/: the chapter's first cell, charts, live displays, tables, prose
export { setupChapter } from './notebook/setup';
export { displayHtml, inKernel, newDisplay } from './notebook/display';
export { COLORS, describeFigure, figure, plot, plotHtml, plotlyBundleHtml, sliderFigure, sliderPlot } from './notebook/plot';
export type { Figure, PlotOptions, SliderOptions, SliderStep, Trace } from './notebook/plot';
export { livePlot, progress } from './notebook/live';
export type { LivePlot, Progress } from './notebook/live';
export { formatNumber, table, tableHtml } from './notebook/table';
export type { Cell, TableOptions } from './notebook/table';
// prose cells: sentences that quote computed numbers (K.md`...${K.fixed(x, 2)}...`)
export { PROSE_METADATA, fixed, md, pct, prose, sig } from './notebook/prose';
export type { Prose, ProseValue, Quote, QuoteRule } from './notebook/prose';

// checkup/: chapter 9's init report of any tf.LayersModel, and training one with its update ratios
export { REPORT_OPTIMIZERS, SATURATION_THRESHOLD, expectedRule, initReport } from './checkup/report';
export type { InitReport, InitReportOptions, LayerReport, ReportOptimizer } from './checkup/report';
export { INIT_PROBLEMS, REPORT_LIMITS } from './checkup/verdicts';
export type { InitProblem, Verdict, VerdictLevel } from './checkup/verdicts';
export { KERNEL_LAYERS } from './checkup/graph';
export type { SkippedLayer } from './checkup/graph';
export { diagnoseKernel, kernelStats, rulesFor } from './checkup/rules';
export type { KernelDiagnosis, KernelShape, KernelStats, Rule, RuleMatch } from './checkup/rules';
export { crossEntropy, entropyOf, logPriorBias, priorOf } from './checkup/loss';
export { trainModel } from './checkup/train';
export { HISTOGRAM_KINDS, histogramFigure, reportHistograms, reportHtml, reportRows, reportTable } from './checkup/render';
export type { HistogramKind } from './checkup/render';
export type { ModelHistory, TrainModelOptions } from './checkup/train';
export type { Batch } from './checkup/loss';

// exercises/: the checkers of the "your turn" cells
export type { Feedback } from './exercises/verdict';
export { TIE_PUZZLE, TIE_PUZZLE_SIZES, TIE_PUZZLE_STEPS, checkTiePuzzle, measureTiePuzzle } from './exercises/symmetry';
export type { TiePuzzleName } from './exercises/symmetry';
export { GROWTH_QUESTION, checkGrowthDepth, measureGrowthDepth } from './exercises/depth';
export type { GrowthMeasurement } from './exercises/depth';
export {
  MYSTERY_NETWORK, PADDINGS, TF_HE_NETWORKS, checkConvFactor, checkHistogramGuess, checkTfHeNormalDepth, convVarianceFactor, measureConvFactor, mysteryHistograms,
  tfHeNormalVariances,
} from './exercises/fans';
export type { ConvQuestion, Padding } from './exercises/fans';
export { PORT, checkKerasPort } from './exercises/port';
export { SEPARATION_TASK, checkSeparation } from './exercises/chaos';
export type { SeparationAnswer } from './exercises/chaos';
export { checkStreamPrediction, STREAM_TASK } from './exercises/residual';
export type { StreamPrediction } from './exercises/residual';
export { GRADIENT_SLOPES, GRADIENT_TASK, SLOPE_TOLERANCE, checkGradientSlopes, measureGradientSlopes } from './exercises/transfer';
export type { GradientSlopeAnswer, LayerSlopes, SlopeMeasure } from './exercises/transfer';
export { checkInitFix, mysteryModel } from './exercises/checkup';
export type { CheckupAnswer } from './exercises/checkup';
export { feedback } from './exercises/feedback';
