/**
 * Analytic FLOP counts of one training step (forward + backward) of each benchmark row:
 * SimCLR on the three encoders, and the other objectives (bench/library-step.ts), used to
 * turn step times into GFLOP/s.
 *
 * Counting rules:
 * - Only products are counted: dense layers, convolutions, the attention products and the
 *   NT-Xent similarity matrix. One multiply-add = 2 FLOPs. Elementwise ops, batch/layer
 *   norm, softmax, pooling, reshapes and the Adam update are left out (a few % at most).
 * - A product `[m, k] x [k, n]` costs `2 m k n` forward; backward costs the same again for
 *   each operand that needs a gradient (weights always; activations unless they come
 *   straight from the input images, which need none). So a hidden layer costs 3x its
 *   forward, the first layer 2x.
 * - A conv with `kh x kw x cin x cout` kernel producing `h_out x w_out` positions is a
 *   product with `m = batch * h_out * w_out`, `k = kh * kw * cin`, `n = cout`.
 * - Both views go through the network: the batch of the count is `2 x batch` (one view
 *   for MAE and supervised).
 * - A target network (BYOL's, DINO's teacher) runs forward only: no operand gets a
 *   gradient. The EMA update, the DINO centre, the normalisation of the prototypes and
 *   the cosine similarities are elementwise and left out; so are MAE's token gathers
 *   (ours a one-hot product, PyTorch's a gather).
 * Same counts for ours and PyTorch, so GFLOP/s compare like the times do.
 */
import type { StepName } from './library-step';

/** One matrix product of a step. */
interface Product {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  /** Operands that get a gradient in the backward pass (0, 1 or 2). */
  readonly gradOperands: number;
}

function total(products: readonly Product[]): number {
  return products.reduce((sum, p) => sum + 2 * p.m * p.k * p.n * (1 + p.gradOperands), 0);
}

/** Dense layer on `rows` rows; `first` = its input is the data (no input gradient). */
function dense(rows: number, inDim: number, outDim: number, first = false): Product {
  return { m: rows, k: inDim, n: outDim, gradOperands: first ? 1 : 2 };
}

/** The same products run forward only (a target network, which gets no gradient). */
function forwardOnly(products: readonly Product[]): Product[] {
  return products.map((p) => ({ ...p, gradOperands: 0 }));
}

/** The MLP encoder 784-512-512-128 on `rows` images. */
function mlpEncoderProducts(rows: number): Product[] {
  return [dense(rows, 784, 512, true), dense(rows, 512, 512), dense(rows, 512, 128)];
}

/** An MLP head `inDim -> widths...` on `rows` rows (dense layers only). */
function mlpHead(rows: number, widths: readonly number[]): Product[] {
  return widths.slice(1).map((w, i) => dense(rows, widths[i], w));
}

/** Pre-norm transformer blocks on `images` sequences of `tokens` tokens of width `dim`. */
function transformerBlocks(images: number, tokens: number, dim: number, depth: number, heads: number, hidden: number): Product[] {
  const rows = images * tokens;
  const headDim = dim / heads;
  const products: Product[] = [];
  for (let b = 0; b < depth; b++) {
    products.push(
      dense(rows, dim, 3 * dim),
      // q k^T and softmax(..) v for every image and head
      { m: images * heads * tokens, k: headDim, n: tokens, gradOperands: 2 },
      { m: images * heads * tokens, k: tokens, n: headDim, gradOperands: 2 },
      dense(rows, dim, dim),
      dense(rows, dim, hidden),
      dense(rows, hidden, dim),
    );
  }
  return products;
}

/** SimCLR projector 128 -> 512 -> 128 and NT-Xent on `rows = 2 x batch` rows of width 128. */
function head(rows: number, inDim = 128, hidden = 512, outDim = 128): Product[] {
  return [
    dense(rows, inDim, hidden),
    dense(rows, hidden, outDim),
    // similarity u u^T: both operands are the same tensor, each gets a gradient
    { m: rows, k: outDim, n: rows, gradOperands: 2 },
  ];
}

/** MLP 784-512-512-128 + projector, batch `batch` (x 2 views). */
export function mlpStepFlops(batch = 128): number {
  const rows = 2 * batch;
  return total([...mlpEncoderProducts(rows), ...head(rows)]);
}

/** Benchmark CNN (3x3 convs 32, 64, 128 with 2x2 pools between, dense 128) + projector, 32x32x3. */
export function cnnStepFlops(batch = 128): number {
  const n = 2 * batch;
  const conv = (side: number, cin: number, cout: number, first = false): Product => ({
    m: n * side * side,
    k: 9 * cin,
    n: cout,
    gradOperands: first ? 1 : 2,
  });
  return total([conv(32, 3, 32, true), conv(16, 32, 64), conv(8, 64, 128), dense(n, 128, 128), ...head(n)]);
}

/** ViT (patch 4 on 32x32x3, class token, `dim`, `depth` blocks, `heads`, MLP 4x) + projector. */
export function vitStepFlops(batch = 64, dim = 128, depth = 4, heads = 4, patch = 4, side = 32, channels = 3): number {
  const n = 2 * batch;
  const patches = (side / patch) ** 2;
  return total([dense(n * patches, patch * patch * channels, dim, true), ...transformerBlocks(n, patches + 1, dim, depth, heads, 4 * dim), ...head(n, dim)]);
}

/** BYOL on the MLP: online encoder, projector 128-512-128 and predictor 128-512-128; target encoder and projector forward only. */
export function byolStepFlops(batch = 128): number {
  const rows = 2 * batch;
  const projector = mlpHead(rows, [128, 512, 128]);
  return total([...mlpEncoderProducts(rows), ...projector, ...mlpHead(rows, [128, 512, 128]), ...forwardOnly([...mlpEncoderProducts(rows), ...projector])]);
}

/** SimSiam on the MLP: encoder, projector 128-512-128, predictor 128-32-128. */
export function simsiamStepFlops(batch = 128): number {
  const rows = 2 * batch;
  return total([...mlpEncoderProducts(rows), ...mlpHead(rows, [128, 512, 128]), ...mlpHead(rows, [128, 32, 128])]);
}

/** DINO on the MLP: student encoder and head 128-512-64 -> 1024 prototypes; the teacher forward only. */
export function dinoStepFlops(batch = 128, prototypes = 1024): number {
  const rows = 2 * batch;
  const student = [...mlpEncoderProducts(rows), ...mlpHead(rows, [128, 512, 64]), { m: rows, k: 64, n: prototypes, gradOperands: 2 }];
  return total([...student, ...forwardOnly(student)]);
}

/** VICReg on the MLP: encoder, expander 128-512-512, and each view's covariance `zc^T zc` `[512, 512]`. */
export function vicregStepFlops(batch = 128, width = 512): number {
  const rows = 2 * batch;
  const covariance: Product = { m: width, k: batch, n: width, gradOperands: 2 };
  return total([...mlpEncoderProducts(rows), ...mlpHead(rows, [128, 512, width]), covariance, covariance]);
}

/** Supervised on the MLP: encoder on one view, linear classifier 128 -> 10. */
export function supervisedStepFlops(batch = 128, classes = 10): number {
  return total([...mlpEncoderProducts(batch), dense(batch, 128, classes)]);
}

/**
 * MAE on the benchmark ViT (one view): the patch embedding of every patch, the blocks on
 * the visible patches plus the class token, then the decoder (embedding 128 -> 64, one
 * block of width 64 with 2 heads and MLP 128 on every patch, prediction 64 -> 48).
 */
export function maeStepFlops(batch = 64, maskRatio = 0.75, dim = 128, depth = 4, heads = 4, patch = 4, side = 32, channels = 3): number {
  const patches = (side / patch) ** 2;
  const keep = Math.round(patches * (1 - maskRatio));
  const values = patch * patch * channels;
  return total([
    dense(batch * patches, values, dim, true),
    ...transformerBlocks(batch, keep + 1, dim, depth, heads, 4 * dim),
    dense(batch * keep, dim, 64),
    ...transformerBlocks(batch, patches, 64, 1, 2, 128),
    dense(batch * patches, 64, values),
  ]);
}

/** FLOPs of one step of each benchmark row at its benchmark batch size. */
export const stepFlops: Readonly<Record<StepName, (batch: number) => number>> = {
  mlp: (batch) => mlpStepFlops(batch),
  cnn: (batch) => cnnStepFlops(batch),
  vit: (batch) => vitStepFlops(batch),
  byol: (batch) => byolStepFlops(batch),
  simsiam: (batch) => simsiamStepFlops(batch),
  dino: (batch) => dinoStepFlops(batch),
  vicreg: (batch) => vicregStepFlops(batch),
  mae: (batch) => maeStepFlops(batch),
  supervised: (batch) => supervisedStepFlops(batch),
};

/**
 * One epoch of the laptop preset's encoder f (`laptop-epoch`): `images` in batches of
 * `batch` (the last one partial), two views each, MLP 784-512-512-128 and the preset's
 * SimCLR projector 128-128-64.
 */
export function laptopEpochFlops(images: number, batch = 128): number {
  let sum = 0;
  for (let start = 0; start < images; start += batch) {
    const rows = 2 * Math.min(batch, images - start);
    sum += total([...mlpEncoderProducts(rows), ...head(rows, 128, 128, 64)]);
  }
  return sum;
}
