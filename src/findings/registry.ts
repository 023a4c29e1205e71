import { candidatesVsSharedFinding } from './candidates-vs-shared';
import type { Finding, FindingSettings } from './finding';
import { coresetFinding } from './coreset';
import { removalFinding } from './removal';
import { localizationFinding } from './localization';
import { scaleFinding } from './scale';
import { overEpochsFinding } from './over-epochs';
import { atypicalFinding } from './atypical';
import { frameworksFinding } from './frameworks';
import { privacyFinding } from './privacy';
import { regularizerFinding } from './regularizer';

/**
 * Every finding by its command-line name, in notebook order. A literal record: adding a
 * finding is one folder and one line here.
 */
export const findings = {
  scale: scaleFinding,
  'over-epochs': overEpochsFinding,
  'candidates-vs-shared': candidatesVsSharedFinding,
  atypical: atypicalFinding,
  frameworks: frameworksFinding,
  privacy: privacyFinding,
  coreset: coresetFinding,
  removal: removalFinding,
  regularizer: regularizerFinding,
  localization: localizationFinding,
} satisfies Record<string, Finding<any, any>>;

/** A finding's command-line name. */
export type FindingName = keyof typeof findings;

/** The names of every finding, in notebook order. */
export const findingNames = Object.keys(findings) as FindingName[];

/** The finding called `name`; an error that lists the names when there is none. */
export function findingNamed(name: string): Finding<FindingSettings, unknown> {
  if (!Object.hasOwn(findings, name)) throw new Error(`finding: expected one of ${findingNames.join(', ') || '(none registered)'}, found "${name}"`);
  return findings[name as FindingName] as unknown as Finding<FindingSettings, unknown>;
}
