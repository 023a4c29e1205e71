import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { summarizeLevels } from '../../measure/level-summary';
import type { PrivacyStudy } from './study';

const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;

/**
 * One row per privacy level of a framework's study table (`study.levels[framework]`): the
 * mean over seeds and the standard deviation (`*_sd`, for error bars) of the S_C score,
 * the gap and the accuracy (and `label_gap` where measured), with the mean epsilon spent
 * and the noise.
 */
export function privacyLevelSummary(levels: ColumnTable): ColumnTable {
  const columns = ['S_C_range', 'gap_range', 'S_C_raw', 'gap_raw', 'accuracy', ...(levels.columnNames().includes('label_gap') ? ['label_gap'] : [])];
  const rows = summarizeLevels(levels, 'epsilon', columns).map(({ epsilon, seeds, ...stats }) => {
    const part = levels.filter(aq.escape((d: { epsilon: number }) => d.epsilon === epsilon));
    return { epsilon, seeds, noise: part.get('noise', 0) as number, epsilon_spent: mean(part.array('epsilon_spent') as number[]), ...stats };
  });
  return aq.from(rows);
}

/**
 * The privacy study's tables, two per framework: `<framework>-per-seed` (one row per level
 * and seed, as measured) and `<framework>-per-level` (`privacyLevelSummary`, beside the
 * poster's MAE table: `paper_SSLMem`, `paper_accuracy`, NaN where the poster has no row).
 */
export function privacySummary(study: PrivacyStudy): Record<string, ColumnTable> {
  const poster = study.settings.poster;
  const tables: Record<string, ColumnTable> = {};
  for (const [framework, levels] of Object.entries(study.levels)) {
    tables[`${framework}-per-seed`] = levels;
    tables[`${framework}-per-level`] = privacyLevelSummary(levels).derive({
      paper_SSLMem: aq.escape((d: { epsilon: number }) => poster[String(d.epsilon)]?.sslmem ?? Number.NaN),
      paper_accuracy: aq.escape((d: { epsilon: number }) => poster[String(d.epsilon)]?.accuracy ?? Number.NaN),
    });
  }
  return tables;
}
