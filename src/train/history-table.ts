import * as aq from 'arquero';
import type { EpochRecord } from './train-options';

/** Training history rows as an arquero table with columns `epoch, loss, lr, seconds`. */
export function historyTable(rows: readonly EpochRecord[]): aq.ColumnTable {
  return aq.table({
    epoch: rows.map((r) => r.epoch),
    loss: rows.map((r) => r.loss),
    lr: rows.map((r) => r.lr),
    seconds: rows.map((r) => r.seconds),
  });
}
