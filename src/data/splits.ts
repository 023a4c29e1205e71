import { check, InputError } from '../util/errors';
import { createRng, type Rng } from '../util/rng';

/** Shares of the (possibly subsampled) train split given to each of the three train sets. */
export interface SplitFractions {
  /** `S_S`, seen by both f and g (paper: 0.8). */
  shared: number;
  /** `S_C`, seen only by f; memorization is measured here (paper: 0.1). */
  candidate: number;
  /** `S_I`, seen only by g (paper: 0.1). */
  independent: number;
}

/** Options of `splitSets`. */
export interface SplitOptions {
  /** Seed of the split: same seed, same sets. */
  seed: number;
  /** How many train images to split (a random subset of the `nTrain`; default all). */
  trainSize?: number;
  /** Shares of `trainSize` per set; they must sum to at most 1 (default 0.8 / 0.1 / 0.1). */
  fractions?: SplitFractions;
  /** Size of `S_E`, drawn from the test split (default `|S_C|`, capped at `nTest`). */
  extraSize?: number;
  /**
   * Keep each set's class mix equal to that of its split: every set gets each class in
   * proportion to its share (within about two images). Needs `trainLabels` (and `testLabels` when
   * `S_E` is not empty). Default false.
   */
  stratified?: boolean;
  /** Labels of the train split (`nTrain` entries), for `stratified`. */
  trainLabels?: ArrayLike<number>;
  /** Labels of the test split (`nTest` entries), for `stratified`. */
  testLabels?: ArrayLike<number>;
}

/** Defaults of `SplitOptions` (paper section "the four sets"). */
export const defaultSplitOptions = {
  fractions: { shared: 0.8, candidate: 0.1, independent: 0.1 } as SplitFractions,
  stratified: false,
};

/**
 * The four sets of the SSLMem estimate (paper, "Practical approximation"), as sorted ids:
 * `S_S`, `S_C`, `S_I` index the train split, `S_E` the test split. f trains on
 * `S_S + S_C`, g on `S_S + S_I`; `S_E` is seen by neither.
 */
export interface SplitSets {
  /** Shared: seen by f and g. Ids into the train split. */
  readonly S_S: Int32Array;
  /** Candidates: seen only by f. Ids into the train split. */
  readonly S_C: Int32Array;
  /** Independent: seen only by g. Ids into the train split. */
  readonly S_I: Int32Array;
  /** Extra: seen by neither. Ids into the test split. */
  readonly S_E: Int32Array;
  /** Size of the train split the ids index. */
  readonly nTrain: number;
  /** Size of the test split `S_E` indexes. */
  readonly nTest: number;
  /** Seed the sets were drawn with. */
  readonly seed: number;
}

const EPS = 1e-9;

/**
 * Splits a train split of `nTrain` images and a test split of `nTest` images into the
 * four disjoint sets `S_S`, `S_C`, `S_I` (from the train split, sized by `fractions` of
 * `trainSize`, rounded down) and `S_E` (from the test split). Reproducible from `seed`;
 * `S_E` is drawn from its own stream, so changing `extraSize` leaves the train sets alone.
 */
export function splitSets(nTrain: number, nTest: number, options: SplitOptions): SplitSets {
  const where = 'splitSets';
  check(Number.isInteger(nTrain) && nTrain > 0, `${where} nTrain`, 'a positive integer', String(nTrain));
  check(Number.isInteger(nTest) && nTest >= 0, `${where} nTest`, 'an integer >= 0', String(nTest));
  check(Number.isInteger(options.seed), `${where} options.seed`, 'an integer', String(options.seed));
  const trainSize = options.trainSize ?? nTrain;
  check(
    Number.isInteger(trainSize) && trainSize > 0 && trainSize <= nTrain,
    `${where} options.trainSize`,
    `an integer in [1, ${nTrain}] (the train split's size)`,
    String(trainSize),
  );
  const sizes = splitSizes(trainSize, options.fractions ?? defaultSplitOptions.fractions, `${where} options.fractions`);
  const extraSize = options.extraSize ?? Math.min(sizes.candidate, nTest);
  check(
    Number.isInteger(extraSize) && extraSize >= 0 && extraSize <= nTest,
    `${where} options.extraSize`,
    `an integer in [0, ${nTest}] (the test split's size)`,
    String(extraSize),
  );
  const stratified = options.stratified ?? defaultSplitOptions.stratified;
  const rng = createRng(options.seed);
  let trainOrder: Int32Array;
  let testOrder: Int32Array;
  if (stratified) {
    const trainLabels = requireLabels(options.trainLabels, nTrain, `${where} options.trainLabels`);
    trainOrder = stratifiedOrder(trainLabels, rng.fork('train'));
    if (extraSize > 0) {
      const testLabels = requireLabels(options.testLabels, nTest, `${where} options.testLabels`);
      testOrder = stratifiedOrder(testLabels, rng.fork('extra'));
    } else {
      testOrder = new Int32Array(0);
    }
  } else {
    trainOrder = rng.fork('train').permutation(nTrain);
    testOrder = rng.fork('extra').permutation(nTest);
  }
  const a = sizes.shared;
  const b = a + sizes.candidate;
  const c = b + sizes.independent;
  return {
    S_S: sorted(trainOrder.subarray(0, a)),
    S_C: sorted(trainOrder.subarray(a, b)),
    S_I: sorted(trainOrder.subarray(b, c)),
    S_E: sorted(testOrder.subarray(0, extraSize)),
    nTrain,
    nTest,
    seed: options.seed,
  };
}

/**
 * How many of `trainSize` images each train set gets (`floor(share * trainSize)`), checking
 * the shares: each in [0, 1], summing to at most 1, and a non-zero share giving at least one
 * image. `where` names the fractions in errors.
 */
export function splitSizes(trainSize: number, fractions: SplitFractions, where = 'splitSizes fractions'): { shared: number; candidate: number; independent: number } {
  check(typeof fractions === 'object' && fractions !== null, where, 'an object { shared, candidate, independent }', String(fractions));
  for (const key of ['shared', 'candidate', 'independent'] as const) {
    const f = fractions[key];
    check(typeof f === 'number' && Number.isFinite(f) && f >= 0 && f <= 1, `${where}.${key}`, 'a number in [0, 1]', String(f));
  }
  const total = fractions.shared + fractions.candidate + fractions.independent;
  check(total <= 1 + EPS, where, 'shares summing to at most 1', `${fractions.shared} + ${fractions.candidate} + ${fractions.independent} = ${total}`);
  const sizes = {
    shared: Math.floor(fractions.shared * trainSize + EPS),
    candidate: Math.floor(fractions.candidate * trainSize + EPS),
    independent: Math.floor(fractions.independent * trainSize + EPS),
  };
  for (const key of ['shared', 'candidate', 'independent'] as const) {
    if (fractions[key] > 0 && sizes[key] === 0) {
      throw new InputError(`${where}.${key}`, `a share giving at least 1 of ${trainSize} images`, `${fractions[key]} (0 images)`);
    }
  }
  return sizes;
}

/**
 * The training ids of an encoder: f trains on `S_S + S_C`, g on `S_S + S_I` (sorted ids
 * into the train split).
 */
export function trainSetOf(encoder: 'f' | 'g', split: SplitSets): Int32Array {
  if (encoder !== 'f' && encoder !== 'g') throw new InputError('trainSetOf encoder', "'f' or 'g'", JSON.stringify(encoder));
  return sorted(concat(split.S_S, encoder === 'f' ? split.S_C : split.S_I));
}

/** One row of `describeSplit`. */
export interface SplitRow {
  /** Set name. */
  set: 'S_S' | 'S_C' | 'S_I' | 'S_E';
  /** Split its ids index. */
  source: 'train' | 'test';
  /** Which encoders train on it. */
  seenBy: 'f and g' | 'f' | 'g' | 'neither';
  /** Number of images. */
  count: number;
}

/** A tidy table (one row per set) of the four sets: source split, who sees it, size. */
export function describeSplit(split: SplitSets): SplitRow[] {
  return [
    { set: 'S_S', source: 'train', seenBy: 'f and g', count: split.S_S.length },
    { set: 'S_C', source: 'train', seenBy: 'f', count: split.S_C.length },
    { set: 'S_I', source: 'train', seenBy: 'g', count: split.S_I.length },
    { set: 'S_E', source: 'test', seenBy: 'neither', count: split.S_E.length },
  ];
}

/**
 * An ordering of `0 .. n-1` in which every class is spread evenly: item `j` of class `k`
 * (in a random order within the class) gets key `(j + u_k) / n_k` with a random offset
 * `u_k`, and items are sorted by key (random tie-break). Any run of `m` consecutive items
 * then holds each class `m * n_k / n` times, within about two.
 */
function stratifiedOrder(labels: ArrayLike<number>, rng: Rng): Int32Array {
  const n = labels.length;
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const list = byClass.get(labels[i]);
    if (list === undefined) byClass.set(labels[i], [i]);
    else list.push(i);
  }
  const keys = new Float64Array(n);
  const classes = [...byClass.keys()].sort((x, y) => x - y);
  for (const k of classes) {
    const members = byClass.get(k) as number[];
    const order = rng.permutation(members.length);
    const offset = rng.next();
    for (let j = 0; j < members.length; j++) keys[members[order[j]]] = (j + offset) / members.length;
  }
  const ties = rng.permutation(n);
  const out = Int32Array.from({ length: n }, (_, i) => i);
  out.sort((x, y) => keys[x] - keys[y] || ties[x] - ties[y]);
  return out;
}

function requireLabels(labels: ArrayLike<number> | undefined, n: number, where: string): ArrayLike<number> {
  if (labels === undefined) throw new InputError(where, `${n} labels (needed when stratified)`, 'none');
  check(labels.length === n, where, `${n} labels (one per image)`, `${labels.length}`);
  for (let i = 0; i < n; i++) {
    const l = labels[i];
    if (!Number.isInteger(l)) throw new InputError(`${where}[${i}]`, 'an integer class', String(l));
  }
  return labels;
}

function sorted(ids: Int32Array): Int32Array {
  return Int32Array.from(ids).sort();
}

function concat(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
