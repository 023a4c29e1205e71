// The public face of sslmem: what a notebook or a script needs, listed by name, room by room
// (floors from the ground up). The parts for writing a framework are in `sslmem/parts`
// (src/parts.ts); plans, runners, the queue and the run store's internals in `sslmem/engine`
// (src/engine.ts), the only entry that loads bullmq and ioredis.

// Seeded randomness and input errors.
export { createRng } from './util/rng';
export { InputError } from './util/errors';
export type { Rng } from './util/rng';

// Backend: wasm with our kernels, cpu, tfjs-node.
export { initBackend, describeBackend } from './backend';
export type { BackendInfo, BackendOptions } from './backend';

// Data.
export { loadDataset, splitSets, describeSplit, classNames, writeImageFolder } from './data';
export type { DatasetName, ImageDataset, ImageFolderPair } from './data';

// The experiment as data: config, presets, the `with*` helpers, its data and four sets.
export { preset, presetNames, withOverrides, withObjective, withPrivacy, validateExperimentConfig, loadExperimentData, setNames, folderPreset } from './design';
export type { ConfigOverrides, ExperimentConfig, ExperimentData, PresetName, SetName } from './design';

// Encoders, objectives (frameworks), augmentations and the trainer.
export { createEncoder, encoderKinds, countParameters } from './encoders';
export type { Encoder, EncoderConfig, EncoderKind } from './encoders';
export { createObjective, objectives, objectiveNames } from './methods';
export type { Objective, ObjectiveConfig } from './methods';
export { augmentationFromConfig } from './augment';
export type { Augmentation } from './augment';
export { trainEncoder, defaultTrainOptions, historyTable, saveEncoder, loadEncoder } from './train';
export type { TrainEncoderOptions, TrainOptions, TrainResult } from './train';
export { privacySpent, noiseForEpsilon } from './privacy';

// SSLMem on given encoders, and its normalisations.
export { sslmemScores, normalizeScores, rangeNormalize, ratioNormalize, layerNames, unitMem } from './memorization';
export type { ScoreNormalization, SslmemScores } from './memorization';

// Scores of an experiment (trained through the run store): the four sets, every point, labels, layers.
export {
  memorizationScores,
  allPointScores,
  labelMemorization,
  layerMemorization,
  scoreSets,
  scoreStatistics,
  compareSets,
  highlyMemorized,
  setOffsets,
  classCounts,
  memorizationLevels,
  rankingReliability,
  perSeedScores,
} from './measure';
export type { AllPointScoresOptions, LabelMemorizationOptions, LayerMemorizationOptions, MemorizationScoresOptions, RankingReliability } from './measure';

// Evaluation of frozen encoders.
export { extractFeatures, linearProbe, knnAccuracy } from './eval';

// Statistics.
export { mean, std, median, quantile, describe, tTest, oneSampleTTest, oneWayAnova, pearson, spearman, spearmanTest, topKJaccard, bootstrapInterval, scoreReliability } from './stats';
export type { Description, ScoreReliability, TTestResult } from './stats';

// The findings: each a value with a plan (`findings.coreset.plan/run/summary/verdict`).
export { findings, findingNames, findingNamed, planJobs, verdictOutcome, trainStages } from './findings';
export type { Finding, FindingFigure, FindingName, FindingPlan, FindingRunOptions, FindingSettings, PlanStage, Verdict, VerdictPart } from './findings';

// Trainings as jobs, run on this machine (queue and Slurm runners: `sslmem/engine`).
export { localRunner, trainedEncoders, trainMissingEncoders, jobKey, PlanInterruptedError } from './plans';
export type { PlanOutcome, Runner, TrainingJob, TrainingPlan } from './plans';
export { runStore } from './runs';
export type { RunStore } from './runs';

// Figures (Plotly figure objects; PNG without a browser).
export { lineFigure, scatterFigure, histogramFigure, boxFigure, barFigure, heatmapFigure, figurePng, imageGridPng } from './plot';
export type { PlotlyFigure } from './plot';

// Display in a notebook (and tables as text anywhere).
export { showTable, showFigure, showImageGrid, showVerdict, showMemorizationReport, setupPlotly, trainingProgress, printTable, tableText } from './notebook';

// The memorization report of a run (a self-contained HTML page).
export { runOutputOf, writeMemorizationReport } from './report';
export type { TrainingProgress } from './notebook';
