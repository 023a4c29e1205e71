import type { ColumnTable } from 'arquero';
import type { ExperimentConfig } from '../design/experiment-config';
import type { PresetName } from '../design/presets';
import type { JobMessage, Runner } from '../plans/runner';
import type { TrainingPlan } from '../plans/training-job';
import type { PlotlyFigure } from '../plot/figure';
import type { RunStore } from '../runs/run-store';

/**
 * What a finding studies, as plain data: the base experiment config (`--set` on the command
 * line changes it) and the finding's own design (regimes, split seeds, epsilons, weights,
 * frameworks, folds, kept shares, ...). `finding.settings(preset)` gives the one its
 * notebook uses.
 */
export interface FindingSettings {
  readonly config: ExperimentConfig;
}

/**
 * One stage of a finding's plan. Most findings have one stage; a study whose trainings
 * depend on scores (coreset, removal: first the K-fold references, then the subsets chosen by
 * their scores) has two, and the second stage's `jobs` are known only once the first
 * stage's encoders are in the run store.
 */
export interface PlanStage {
  /** Short name, e.g. `encoders`, `folds`, `subsets`. */
  readonly name: string;
  /** What the stage trains, in words (for progress lines and `sslmem plan --finding`). */
  readonly description: string;
  /** The trainings; `undefined` while they depend on results of stage `after` that the store lacks. */
  readonly jobs?: TrainingPlan;
  /** The earlier stage whose results choose this stage's jobs. */
  readonly after?: string;
}

/** Every training a finding needs, stage by stage. */
export interface FindingPlan {
  readonly stages: readonly PlanStage[];
}

/** Options of `finding.plan` and `finding.run`. */
export interface FindingRunOptions {
  /** Trains the missing jobs of every stage (default `localRunner({ store, workers })`); encoders are loaded from its store. */
  runner?: Runner;
  /** Run store when no runner is given (default `runStore()`: `$SSLMEM_RUNS` or `runs/`). */
  store?: RunStore;
  /** Worker threads of the default local runner. */
  workers?: number;
  /** Called after every epoch of every training. */
  onEpoch?: (message: JobMessage) => void;
  /** Called when a stage starts (its jobs known), before its trainings run. */
  onStage?: (stage: PlanStage, index: number, total: number) => void;
  /** Stops the trainings (checkpoints kept); `run` rejects with a `PlanInterruptedError`. */
  signal?: AbortSignal;
}

/** One part of a finding's claim and whether it holds, in one sentence computed from the data. */
export interface VerdictPart {
  readonly name: string;
  readonly holds: boolean;
  readonly sentence: string;
}

/**
 * Whether a finding holds at the scale it ran at, computed from the study: `holds` when the
 * claim holds as a whole, `parts` the claim's parts, `sentence` the conclusion, and `lines`
 * what was measured line by line ending with the sentence (what a notebook's last cell and
 * `sslmem finding` print).
 */
export interface Verdict {
  readonly holds: boolean;
  readonly parts: readonly VerdictPart[];
  readonly sentence: string;
  readonly lines: readonly string[];
}

/** A figure of a finding's study, named for its file (`gap-over-epochs` -> `gap-over-epochs.png`). */
export interface FindingFigure {
  readonly name: string;
  readonly figure: PlotlyFigure;
}

/**
 * A finding of the paper as a value: its claim, the trainings it needs (`plan`), one run
 * through any runner (`run`: every stage's trainings once, then the measurements), tidy
 * tables (`summary`), its figures and its verdict. Notebooks and `sslmem finding NAME`
 * call only these.
 */
export interface Finding<S extends FindingSettings = FindingSettings, Study = unknown> {
  /** Name on the command line, e.g. `coreset`. */
  readonly name: string;
  /** The notebook that shows it, e.g. `06-coreset`. */
  readonly notebook: string;
  /** The claim, one sentence. */
  readonly claim: string;
  /** The settings its notebook uses for a preset. */
  settings(preset: PresetName): S;
  /** Settings a user may add that `settings(preset)` leaves out (e.g. `controls`), each with a value of its kind, for `sslmem finding --setting`. */
  readonly optionalSettings?: Readonly<Record<string, unknown>>;
  /** What it will train and measure with `settings`, line by line (a notebook's first cell, `sslmem finding` before it runs). */
  describe(settings: S): string[];
  /** Every training it needs, stage by stage (a later stage's jobs once the store holds what chooses them). */
  plan(settings: S, options?: FindingRunOptions): Promise<FindingPlan>;
  /** Trains what is missing (each stage once, through the runner), then measures. */
  run(settings: S, options?: FindingRunOptions): Promise<Study>;
  /** Tidy tables of the study, by name (each written as CSV and Arrow by `sslmem finding`). */
  summary(study: Study): Record<string, ColumnTable>;
  /** The study's figures. */
  figures(study: Study): FindingFigure[];
  /** Whether the claim holds, computed from the study. */
  verdict(study: Study): Verdict;
}

/** The outcome word of a verdict: `holds`, `partly` (some parts hold) or `not confirmed`. */
export function verdictOutcome(verdict: Pick<Verdict, 'holds' | 'parts'>): 'holds' | 'partly' | 'not confirmed' {
  if (verdict.holds) return 'holds';
  return verdict.parts.some((p) => p.holds) ? 'partly' : 'not confirmed';
}

/** Every job of a plan's stages whose jobs are known, in stage order (for progress bars). */
export function planJobs(plan: FindingPlan): TrainingPlan {
  return plan.stages.flatMap((s) => s.jobs ?? []);
}
