/**
 * Analytic FLOP counts of one SimCLR training step (forward + backward, two views), used
 * to turn step times into GFLOP/s.
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
 * - Both views go through the network: the batch of the count is `2 x batch`.
 * Same counts for ours and PyTorch, so GFLOP/s compare like the times do.
 */

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
  return total([dense(rows, 784, 512, true), dense(rows, 512, 512), dense(rows, 512, 128), ...head(rows)]);
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
  const tokens = patches + 1;
  const rows = n * tokens;
  const headDim = dim / heads;
  const products: Product[] = [dense(n * patches, patch * patch * channels, dim, true)];
  for (let b = 0; b < depth; b++) {
    products.push(
      dense(rows, dim, 3 * dim),
      // q k^T and softmax(..) v for every image and head
      { m: n * heads * tokens, k: headDim, n: tokens, gradOperands: 2 },
      { m: n * heads * tokens, k: tokens, n: headDim, gradOperands: 2 },
      dense(rows, dim, dim),
      dense(rows, dim, 4 * dim),
      dense(rows, 4 * dim, dim),
    );
  }
  return total([...products, ...head(n, dim)]);
}

/** FLOPs of one step of each benchmark model at its benchmark batch size. */
export const stepFlops = {
  mlp: (batch: number) => mlpStepFlops(batch),
  cnn: (batch: number) => cnnStepFlops(batch),
  vit: (batch: number) => vitStepFlops(batch),
} as const;
