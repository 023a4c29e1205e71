/** Minutes from `start` to `end` (`Date.now()` values; `end` default now), one decimal, for a study's progress lines. */
export function minutesSince(start: number, end: number = Date.now()): string {
  return ((end - start) / 60000).toFixed(1);
}
