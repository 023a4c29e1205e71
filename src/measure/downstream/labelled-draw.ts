import { check } from '../../util/errors';
import { createRng } from '../../util/rng';

/** Options of `labelledDraw`. */
export interface LabelledDrawOptions {
  /** Labelled rows per class. */
  readonly perClass: number;
  /** The seed of every draw (a task's: `config.probe.seed`). */
  readonly seed: number;
  /** Which draw, from 0: each index is its own stream of the seed. */
  readonly draw: number;
  /** Where a refusal points, e.g. `few-label-probe settings`. Default `labelledDraw`. */
  readonly where?: string;
}

/** The rows of each label present, by label in ascending order. */
function rowsByClass(labels: ArrayLike<number>): Map<number, number[]> {
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const rows = byClass.get(labels[i]);
    if (rows === undefined) byClass.set(labels[i], [i]);
    else rows.push(i);
  }
  return new Map([...byClass].sort(([a], [b]) => a - b));
}

/**
 * The rows of one few-label draw, stratified: exactly `perClass` rows of every class present
 * in `labels` (`[n]` class ids), drawn without replacement from the stream
 * `createRng(seed).fork('labelled draw <draw>')`, class by class in ascending order; sorted.
 * The same seed and draw give the same rows, so tasks that share a seed share their draws.
 * Refuses (`InputError` at `<where>.perClass`) a `perClass` that is not an integer between 1
 * and the smallest class's count.
 */
export function labelledDraw(labels: ArrayLike<number>, options: LabelledDrawOptions): Int32Array {
  const where = options.where ?? 'labelledDraw';
  const { perClass, seed, draw } = options;
  check(labels.length > 0, `${where}: labels`, 'at least one labelled row to draw from', '0 rows');
  const byClass = rowsByClass(labels);
  const smallest = Math.min(...[...byClass.values()].map((rows) => rows.length));
  check(
    Number.isInteger(perClass) && perClass >= 1 && perClass <= smallest,
    `${where}.perClass`,
    `an integer from 1 to ${smallest} (the smallest class count among the ${labels.length} rows drawn from)`,
    String(perClass),
  );
  check(Number.isInteger(draw) && draw >= 0, `${where}: draw`, 'an integer >= 0', String(draw));
  const rng = createRng(seed).fork(`labelled draw ${draw}`);
  const out: number[] = [];
  for (const rows of byClass.values()) {
    const order = rng.permutation(rows.length);
    for (let j = 0; j < perClass; j++) out.push(rows[order[j]]);
  }
  return Int32Array.from(out).sort();
}
