import type { PresetName } from '../design/presets';
import type { Finding, FindingSettings } from '../findings/finding';
import { findingNames, findings } from '../findings/registry';
import { InputError } from '../util/errors';
import { resolveExperimentConfig } from './experiment-options';
import { closestName } from './parse-args';

/** The registered finding called `name`; an `InputError` that lists the names (and a near miss) when there is none. */
export function findingByName(name: string, where = 'argument <name>'): Finding<FindingSettings, unknown> {
  if (!Object.hasOwn(findings, name)) {
    const suggestion = closestName(name, findingNames);
    throw new InputError(
      where,
      findingNames.length === 0 ? 'a registered finding (none is registered in this build)' : `one of ${findingNames.join(', ')} (see sslmem finding --list)`,
      `${JSON.stringify(name)}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`,
    );
  }
  return findings[name as keyof typeof findings] as unknown as Finding<FindingSettings, unknown>;
}

/** Options that change the experiment config; a finding's settings keep their config when none is given. */
const configChanges = ['config', 'set', 'epochs', 'seeds', 'data-dir'] as const;

/**
 * The settings a finding runs with: `finding.settings(--preset)` with `--config`, `--set`,
 * `--epochs`, `--seeds` and `--data-dir` merged over its `config` and validated
 * (`resolveExperimentConfig`: safe keys, checkpoint epochs past a shorter training dropped).
 * Without any of them the settings are the notebook's, unchanged.
 */
export function findingSettings(finding: Finding<FindingSettings, unknown>, values: Readonly<Record<string, unknown>>): FindingSettings {
  const settings = finding.settings(String(values.preset ?? 'quick') as PresetName);
  const changed = configChanges.some((name) => {
    const value = values[name];
    return Array.isArray(value) ? value.length > 0 : value !== undefined;
  });
  if (!changed) return settings;
  return { ...settings, config: resolveExperimentConfig(values, { base: settings.config }) };
}
