import * as tf from '@tensorflow/tfjs-core';
import { compose } from '../augment/compose';
import { randomResizedCrop } from '../augment/random-resized-crop';
import type { Encoder } from '../encoders/encoder';
import { createParamScope } from '../encoders/param-scope';
import { dinoHead, dinoHeadConfig, type DinoHead, type DinoHeadOptions } from '../heads/dino-head';
import { dinoCrossEntropy, updatedCentre } from '../losses/dino-cross-entropy';
import { InputError } from '../util/errors';
import { describeValue, resolveOptions, rule, type OptionRule } from '../util/options';
import { cosineMomentum, emaUpdate } from './ema';
import { headOptionsRule } from './head-options';
import type { Objective, ObjectiveConfig, ObjectiveState } from './objective';
import { targetCopy, targetEncoder } from './target-copy';

/** DINO head options a config may set (input width, seed and name come from the method). */
export type DinoHeadSettings = Partial<Omit<DinoHeadOptions, 'inDim' | 'seed' | 'name'>>;

/** Settings of DINO. */
export interface DinoConfig extends ObjectiveConfig {
  readonly name: 'dino';
  /** Head (`dinoHead` options). Default `{ hidden: [512], bottleneck: 64, prototypes: 1024 }`. */
  readonly head: DinoHeadSettings;
  /** Student temperature. Default 0.1. */
  readonly studentTemperature: number;
  /** Teacher temperature (sharpening). Default 0.04. */
  readonly teacherTemperature: number;
  /** Momentum of the centre's running mean. Default 0.9. */
  readonly centreMomentum: number;
  /** Teacher EMA momentum at the first step. Default 0.996. */
  readonly momentum: number;
  /** Teacher momentum at the last step (cosine schedule). Default 1. */
  readonly finalMomentum: number;
  /** Local crops besides the two global views (multi-crop); the student sees all, the teacher the global ones. Default 0. */
  readonly localCrops: number;
  /** Area range of a local crop (a random resized crop after the experiment's augmentation, back to full size). Default [0.2, 0.5]. */
  readonly localScale: readonly [number, number];
}

/** Defaults of DINO: the reference head (2048-256, many prototypes) and temperatures, scaled to our encoders. */
export const defaultDinoConfig: DinoConfig = {
  name: 'dino',
  head: { hidden: [512], bottleneck: 64, prototypes: 1024 },
  studentTemperature: 0.1,
  teacherTemperature: 0.04,
  centreMomentum: 0.9,
  momentum: 0.996,
  finalMomentum: 1,
  localCrops: 0,
  localScale: [0.2, 0.5],
};

const headSettings = headOptionsRule<DinoHeadSettings>('dinoHead', (options, where) => dinoHeadConfig(options, where));

const scaleRange: OptionRule<readonly [number, number]> = (value, where) => {
  const ok = Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number' && v > 0 && v <= 1) && value[0] <= value[1];
  if (!ok) throw new InputError(where, '[lo, hi] with 0 < lo <= hi <= 1', describeValue(value));
  return [value[0], value[1]];
};

/** Resolves a partial DINO config. */
export function resolveDinoConfig(config: Partial<DinoConfig> | ObjectiveConfig = {}): DinoConfig {
  const positive = rule.number({ min: 0, minOpen: true });
  const unit = rule.number({ min: 0, max: 1 });
  return resolveOptions(
    defaultDinoConfig,
    {
      name: rule.literal('dino'),
      head: headSettings,
      studentTemperature: positive,
      teacherTemperature: positive,
      centreMomentum: unit,
      momentum: unit,
      finalMomentum: unit,
      localCrops: rule.int({ min: 0, max: 8 }),
      localScale: scaleRange,
    },
    config,
    'dino config',
  );
}

/**
 * DINO (Caron et al. 2021), self-distillation without labels: a student (encoder and
 * DINO head) matches the output distribution of a teacher, an EMA of the student that
 * gets no gradient, across views (see `dinoCrossEntropy`). The teacher's logits are
 * centred (a running mean, updated each step) and sharpened by a low temperature, which
 * together prevent collapse. With `localCrops`, the student also sees smaller crops.
 */
export function dino(config: Partial<DinoConfig> | ObjectiveConfig = {}): Objective {
  const c = resolveDinoConfig(config);
  return {
    config: c,
    batchCoupling: 'the teacher outputs are centred with the batch mean',
    numViews: 2 + c.localCrops,
    viewAugmentations: (augment) => {
      const local = compose([augment, randomResizedCrop({ scale: [...c.localScale] as [number, number], ratio: [3 / 4, 4 / 3] })]);
      return [augment, augment, ...Array.from({ length: c.localCrops }, () => local)];
    },
    init(encoder, rng) {
      const head = dinoHead({ ...c.head, inDim: encoder.outDim, seed: rng.fork('head').uint32() | 0, name: 'dino_head' });
      const teacher = targetEncoder(encoder, 'dino_teacher_encoder');
      const teacherHead = targetCopy(head, () => dinoHead({ ...head.config, name: 'dino_teacher_head' }));
      const centre = createParamScope('dino_centre', 0).variable('centre', [head.config.prototypes], new Float32Array(head.config.prototypes), false);
      const state: DinoState = {
        variables: head.variables,
        state: [...head.state, ...teacher.variables, ...teacher.state, ...teacherHead.variables, ...teacherHead.state, centre],
        head,
        teacher: { encoder: teacher, head: teacherHead },
        centre,
        dispose: () => {
          [head, teacher, teacherHead].forEach((m) => m.dispose());
          if (!centre.isDisposed) centre.dispose();
        },
      };
      return state;
    },
    loss(encoder, state, { views }) {
      const s = state as DinoState;
      if (views.length !== 2 + c.localCrops) throw new InputError('dino loss views', `${2 + c.localCrops} views (2 global + ${c.localCrops} local)`, `${views.length}`);
      return tf.tidy(() => {
        const all = tf.concat(views as tf.Tensor4D[], 0);
        const student = tf.split(s.head.apply(encoder.apply(all, true)), views.length, 0) as tf.Tensor2D[];
        // The teacher sees the two global views: the same batch as the student's without local crops.
        const global = views.length === 2 ? all : tf.concat(views.slice(0, 2) as tf.Tensor4D[], 0);
        const teacherLogits = s.teacher.head.apply(s.teacher.encoder.apply(global, true));
        const teacher = tf.split(teacherLogits, 2, 0) as tf.Tensor2D[];
        const loss = dinoCrossEntropy(student, teacher, s.centre as tf.Tensor1D, { student: c.studentTemperature, teacher: c.teacherTemperature });
        s.centre.assign(updatedCentre(s.centre as tf.Tensor1D, teacher, c.centreMomentum));
        return loss;
      });
    },
    afterStep(encoder, state, { step, totalSteps }) {
      const s = state as DinoState;
      const m = cosineMomentum(step, totalSteps, c.momentum, c.finalMomentum);
      emaUpdate(s.teacher.encoder.variables, encoder.variables, m);
      emaUpdate(s.teacher.head.variables, s.head.variables, m);
    },
    // Uniform teacher and student distributions over K prototypes: log K (the uniform collapse).
    chanceLoss: () => Math.log(dinoHeadConfig({ ...c.head }).prototypes),
  };
}

/** DINO's state: the student head, the EMA teacher and the centre `[K]`. */
interface DinoState extends ObjectiveState {
  readonly head: DinoHead;
  readonly teacher: { readonly encoder: Encoder; readonly head: DinoHead };
  readonly centre: tf.Variable;
}
