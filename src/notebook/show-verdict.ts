import type { Verdict } from '../findings/finding';

/** Prints a finding's verdict in a notebook cell: what was measured, line by line, then the sentence (`verdict.lines`). */
export function showVerdict(verdict: Pick<Verdict, 'lines'>): void {
  for (const line of verdict.lines) console.log(line);
}
