import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import type { AtypicalStudy, ImageGallery } from './study';

/** A gallery as a table: `id, caption` in the order shown. */
function galleryTable(gallery: ImageGallery): ColumnTable {
  return aq.table({ id: [...gallery.ids], caption: [...gallery.captions] });
}

/**
 * The atypicality study's tables: `points` (every candidate and control point with its
 * centred score and both measures), `levels` (candidates of the first split per
 * memorization level), `correlations` and `contrasts` (the tests), `reliability` (each
 * split's ranking of its candidates, `AtypicalStudy.reliability`), and the galleries'
 * images (`most`, `least`, `class_<digit>`: `id, caption`).
 */
export function atypicalSummary(study: AtypicalStudy): Record<string, ColumnTable> {
  const [most, least] = study.extremes;
  return {
    points: study.points,
    levels: study.levels.groupby('level_index', 'level').count().orderby('level_index'),
    correlations: study.tests.correlations,
    contrasts: study.tests.contrasts,
    reliability: study.reliability,
    most: galleryTable(most),
    least: galleryTable(least),
    ...Object.fromEntries(study.settings.galleryClasses.map((digit, i) => [`class_${digit}`, galleryTable(study.classGalleries[i])])),
  };
}
