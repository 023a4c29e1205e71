/** `p = 0.012`, `p < 0.001`, or `p undefined` (NaN), for verdict sentences. */
export function formatPValueText(p: number): string {
  if (!Number.isFinite(p)) return 'p undefined';
  return p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`;
}
