/**
 * Tick positions for an axis spanning `[lo, hi]`: about `target` multiples of 1, 2 or 5
 * times a power of ten (linear), or the powers of ten inside the range (log; `lo`, `hi`
 * are then log10 values and so are the ticks).
 */
export function niceTicks(lo: number, hi: number, log = false, target = 6): number[] {
  if (!(hi > lo)) return [lo];
  if (log) {
    const ticks: number[] = [];
    const step = Math.max(1, Math.ceil((hi - lo) / target));
    for (let k = Math.ceil(lo); k <= hi + 1e-9; k += step) ticks.push(k);
    if (ticks.length >= 3) return ticks;
    // Under three decades: also 2 and 5 times the powers of ten.
    const fine: number[] = [];
    for (let k = Math.floor(lo); k <= hi; k++) {
      for (const m of [1, 2, 5]) {
        const v = k + Math.log10(m);
        if (v >= lo - 1e-9 && v <= hi + 1e-9) fine.push(v);
      }
    }
    return fine.length >= 2 ? fine : niceTicks(lo, hi, false, target);
  }
  const raw = (hi - lo) / target;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) ticks.push(roundTo(k * step, step));
  return ticks;
}

/** Short label of tick value `v` on an axis whose ticks are `step` apart. */
export function tickLabel(v: number, step: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(Math.max(0, Math.min(3, -Math.floor(Math.log10(step / a)))) ).replace('e+', 'e');
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
  return v.toFixed(decimals);
}

function roundTo(v: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Number(v.toFixed(Math.min(20, decimals)));
}
