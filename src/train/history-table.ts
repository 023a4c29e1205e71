import * as aq from 'arquero';
import type { EpochRecord } from './train-options';

/** Training history rows as an arquero table with columns `epoch, loss, lr, seconds`, and `epsilon` under DP-SGD. */
export function historyTable(rows: readonly EpochRecord[]): aq.ColumnTable {
  const columns: Record<string, number[]> = {
    epoch: rows.map((r) => r.epoch),
    loss: rows.map((r) => r.loss),
    lr: rows.map((r) => r.lr),
    seconds: rows.map((r) => r.seconds),
  };
  if (rows.some((r) => r.epsilon !== undefined)) columns.epsilon = rows.map((r) => r.epsilon ?? Number.NaN);
  return aq.table(columns);
}
