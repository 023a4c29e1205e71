import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { agreementMatrix, frameworkAgreement, sslVersusSupervised, type AgreementColumn } from '../../src/measure/frameworks-agree';
import { spearman } from '../../src/stats/rank-correlation';
import { createRng } from '../../src/util/rng';

/** Five SSL columns = a shared latent factor + noise; the supervised column is its own factor. */
function synthetic(n: number, shared: number, seed: number): AgreementColumn[] {
  const rng = createRng(seed);
  const latent = Array.from({ length: n }, () => rng.normal());
  const ssl = ['a', 'b', 'c', 'd', 'e'].map((name): AgreementColumn => ({ name, kind: 'ssl', values: latent.map((v) => shared * v + rng.normal()) }));
  return [...ssl, { name: 'sup', kind: 'supervised', values: Array.from({ length: n }, () => rng.normal()) }];
}

describe('frameworkAgreement', () => {
  test('SSL columns sharing a factor agree more than with an independent supervised column: holds', () => {
    const columns = synthetic(300, 1, 1);
    const a = frameworkAgreement(columns, { permutations: 199, resamples: 199, seed: 0 });
    assert.equal(a.pairs.numRows(), 15);
    const rows = a.pairs.objects() as Array<Record<string, number | string>>;
    const ab = rows.find((r) => r.a === 'a' && r.b === 'b')!;
    assert.ok(Math.abs((ab.spearman as number) - spearman(columns[0].values, columns[1].values)) < 1e-12);
    assert.equal(rows.filter((r) => r.kind === 'ssl-supervised').length, 5);
    assert.ok(rows.filter((r) => r.kind === 'ssl-ssl').every((r) => (r.spearman_p as number) < 0.01));
    assert.ok(a.holds, a.sentence);
    assert.match(a.sentence, /^The claim holds at this scale/);
    assert.deepEqual(a.metrics, ['spearman', 'jaccard_10', 'jaccard_20']);
    const m = agreementMatrix(a, columns.map((c) => c.name), 'spearman');
    assert.equal(m[0][0], 1);
    assert.equal(m[0][1], m[1][0]);
  });

  test('all columns independent: not confirmed, and the sentence says so with its numbers', () => {
    const a = frameworkAgreement(synthetic(300, 0, 2), { permutations: 99, resamples: 199, seed: 0 });
    assert.equal(a.holds, false);
    assert.match(a.sentence, /^The claim is not confirmed at this scale: .*mean Spearman rho -?0\.\d{3} \(SSL-SSL\)/);
  });

  test('same seed, same numbers; bad input names the column', () => {
    const columns = synthetic(60, 1, 3);
    assert.deepEqual(frameworkAgreement(columns, { permutations: 20, resamples: 20, seed: 4 }).verdicts, frameworkAgreement(columns, { permutations: 20, resamples: 20, seed: 4 }).verdicts);
    assert.throws(() => frameworkAgreement(columns.slice(4)), /at least two SSL and one supervised/);
    assert.throws(() => frameworkAgreement([...columns, { name: 'a', kind: 'ssl', values: columns[0].values }]), /column a: expected a unique name/);
    assert.throws(() => frameworkAgreement([...columns.slice(0, 5), { name: 'sup', kind: 'supervised', values: [1, 2, 3] }]), /column sup: expected 60 values/);
    const bad = Array.from(columns[0].values);
    bad[7] = Number.NaN;
    assert.throws(() => frameworkAgreement([{ ...columns[0], values: bad }, ...columns.slice(1)]), /column a\[7\]: expected a finite score/);
  });

  test('sslVersusSupervised: percentile ranks and their difference', () => {
    const t = sslVersusSupervised([
      { name: 'a', kind: 'ssl', values: [1, 2, 3] },
      { name: 'b', kind: 'ssl', values: [3, 2, 1] },
      { name: 's', kind: 'supervised', values: [1, 2, 3] },
    ]);
    assert.deepEqual(t.array('ssl_rank'), [0.5, 0.5, 0.5]);
    assert.deepEqual(t.array('supervised_rank'), [0, 0.5, 1]);
    assert.deepEqual(t.array('difference'), [0.5, 0, -0.5]);
  });
});
