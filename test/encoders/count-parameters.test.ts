import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { countParameters } from '../../src/encoders/count-parameters';
import { mlpEncoder } from '../../src/encoders/mlp-encoder';
import { useCpuBackend } from './helpers';

describe('countParameters', () => {
  useCpuBackend();

  test('sums variable sizes, state on request', () => {
    const e = mlpEncoder({ inputShape: [2, 3, 1], hidden: [4], outDim: 2, batchNorm: true });
    // dense1 kernel 6x4 (no bias: BN follows), bn1 gamma+beta 8, out 4x2 + 2
    assert.equal(countParameters(e), 24 + 8 + 8 + 2);
    assert.equal(countParameters(e, { includeState: true }), 42 + 8);
    assert.equal(countParameters({ variables: [] }), 0);
    e.dispose();
  });
});
