/**
 * Side-by-side timing on a noisy machine. The speed of our shared machines drifts by a
 * factor of up to two over seconds to minutes, so a ratio of two runs made one after the
 * other measures the drift as much as the code. Here every side (ours on each product path
 * and thread count, PyTorch at each thread count) stays alive, and short blocks of steps
 * alternate between them, the order rotating from block to block; a ratio is then taken
 * within each block, where both sides met the same machine, and the median over blocks is
 * reported with its quartiles. A block's time is its mean step (the block's time over its
 * steps): what a user waits for, a side's own slow steps included, which a median would hide.
 * Blocks are long enough (bench/main.ts) for each side to reach its steady pace after the
 * rest. Between two sides the machine rests a moment
 * (`settleMs`): a BLAS or OpenMP pool that has just run on two threads keeps spinning for
 * a while after its work (OpenBLAS about 0.1 s), which would otherwise land on the next side.
 */
import { median, quantile } from './library';

/** One side of a comparison: runs `steps` more steps and returns the ms of each. */
export interface Side {
  readonly label: string;
  run(steps: number): Promise<number[]>;
}

/**
 * Several processes training at once as one side (two encoders at once, f and g): each block
 * starts `steps` steps on every member together, and each step's time is the block's wall
 * time over `steps` (ms per step of all members together, e.g. per pair of steps).
 */
export function concurrentSide(label: string, members: readonly Side[]): Side {
  if (members.length === 0) throw new Error(`concurrentSide ${label}: expected at least one member`);
  return {
    label,
    run: async (steps) => {
      const t0 = performance.now();
      await Promise.all(members.map((m) => m.run(steps)));
      return new Array<number>(steps).fill((performance.now() - t0) / steps);
    },
  };
}

/** ms to rest between two sides' blocks (see the file comment). */
export const settleMs = 250;

const rest = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `warmup` steps on every side, and then blocks of `blockSteps` untimed steps until the
 * side has warmed up for `warmupMs` (a JavaScript engine compiles the hot functions of a step
 * over its first few hundred steps, on threads that take cores from the BLAS's own; PyTorch
 * needs no such time, and a user's run is past it after seconds), then `blocks` blocks of
 * `blockSteps` steps on every side, block b starting with side b mod n, resting `pause` ms
 * before each side's block; returns, per side label, the mean step time of each block (in
 * block order). `onBlock` hears each finished block.
 */
export async function interleave(
  sides: readonly Side[],
  blocks: number,
  blockSteps: number,
  warmup: number,
  onBlock: (block: number, means: ReadonlyMap<string, number>) => void = () => {},
  { pause = settleMs, warmupMs = 0 }: { readonly pause?: number; readonly warmupMs?: number } = {},
): Promise<Map<string, number[]>> {
  const labels = sides.map((s) => s.label);
  if (new Set(labels).size !== labels.length) throw new Error(`interleave: side labels must differ, found ${labels.join(', ')}`);
  if (!Number.isInteger(blocks) || blocks < 1 || !Number.isInteger(blockSteps) || blockSteps < 1) {
    throw new Error(`interleave: blocks and blockSteps must be integers >= 1, found ${blocks} and ${blockSteps}`);
  }
  for (const side of sides) {
    const t0 = performance.now();
    if (warmup > 0) await side.run(warmup);
    while (performance.now() - t0 < warmupMs) await side.run(blockSteps);
  }
  const out = new Map<string, number[]>(sides.map((s) => [s.label, []]));
  for (let b = 0; b < blocks; b++) {
    const now = new Map<string, number>();
    for (let i = 0; i < sides.length; i++) {
      const side = sides[(b + i) % sides.length];
      if (pause > 0) await rest(pause);
      const times = await side.run(blockSteps);
      const m = times.reduce((sum, t) => sum + t, 0) / times.length;
      out.get(side.label)!.push(m);
      now.set(side.label, m);
    }
    onBlock(b, now);
  }
  return out;
}

/** A ratio of two sides taken within blocks: its median and quartiles over the blocks. */
export interface BlockRatio {
  readonly median: number;
  readonly q1: number;
  readonly q3: number;
  /** The ratio in each block. */
  readonly perBlock: number[];
}

/** `ours[b] / reference[b]` for each block b, summarised (the two series must have one value per block). */
export function blockRatio(ours: readonly number[], reference: readonly number[]): BlockRatio {
  if (ours.length !== reference.length || ours.length === 0) {
    throw new Error(`blockRatio: two series of one value per block expected, found ${ours.length} and ${reference.length}`);
  }
  const perBlock = ours.map((v, b) => v / reference[b]);
  return { median: median(perBlock), q1: quantile(perBlock, 0.25), q3: quantile(perBlock, 0.75), perBlock };
}

/** The label among `labels` (each with a series) whose series has the lowest median (ties: the first). */
export function fastest(series: ReadonlyMap<string, readonly number[]>, labels: readonly string[]): string {
  let best = labels[0];
  for (const label of labels) if (median(series.get(label)!) < median(series.get(best)!)) best = label;
  return best;
}
