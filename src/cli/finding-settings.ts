import type { PresetName } from '../design/presets';
import type { Finding, FindingSettings } from '../findings/finding';
import { findingNames, findings } from '../findings/registry';
import { InputError } from '../util/errors';
import { resolveExperimentConfig } from './experiment-options';
import { closestName } from './parse-args';
import { parseSetAssignment } from './set-assignment';
import type { OptionSpec } from './parse-args';
import { setOwn } from '../util/safe-keys';

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

/** `--setting NAME=VALUE`: one of the finding's own settings (`withSettingAssignments`). */
export const settingOptionSpec: OptionSpec = {
  name: 'setting',
  kind: 'string',
  valueName: 'NAME=VALUE',
  repeated: true,
  description:
    "Change one of the finding's own settings (its experiment config changes with --set), e.g. scorings=[[0,1,2],[10,11,12]], controls=true or fractions=[1,0.5] for coreset; VALUE is read as JSON when it parses, else as text; a wrong name lists the finding's settings.",
};

/** Options that change the experiment config; a finding's settings keep their config when none is given. */
const configChanges = ['config', 'set', 'epochs', 'seeds', 'data-dir'] as const;

/**
 * The settings a finding runs with: `finding.settings(--preset)` with `--config`, `--set`,
 * `--epochs`, `--seeds` and `--data-dir` merged over its `config` and validated
 * (`resolveExperimentConfig`: safe keys, checkpoint epochs past a shorter training dropped),
 * then its own settings changed by `--setting` (`withSettingAssignments`). Without any of
 * them the settings are the notebook's, unchanged.
 */
export function findingSettings(finding: Finding<FindingSettings, unknown>, values: Readonly<Record<string, unknown>>): FindingSettings {
  const settings = finding.settings(String(values.preset ?? 'quick') as PresetName);
  const changed = configChanges.some((name) => {
    const value = values[name];
    return Array.isArray(value) ? value.length > 0 : value !== undefined;
  });
  const withConfig = changed ? { ...settings, config: resolveExperimentConfig(values, { base: settings.config }) } : settings;
  const assignments = (values.setting as readonly string[] | undefined) ?? [];
  return assignments.length === 0 ? withConfig : withSettingAssignments(finding, withConfig, assignments);
}

/** The JSON kind of a value, as the messages of `--setting` name it. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * `--setting NAME=VALUE` (repeated, in order): changes the finding's own settings, e.g.
 * `scorings=[[0,1,2],[10,11,12]]`, `controls=true` or `downstream.knn.k=10` (VALUE read as
 * JSON when it parses, else as text; `parseSetAssignment` refuses prototype keys, overflowing
 * numbers and oversized values). The first name must be a setting of the preset's settings or
 * one of `finding.optionalSettings`, never `config` (that is `--set`); a value must be of the
 * kind of the one it replaces (or of the optional setting's example). The finding's plan checks the values themselves before anything
 * trains.
 * @throws InputError naming the option, the setting and what was expected.
 */
export function withSettingAssignments(finding: Finding<FindingSettings, unknown>, settings: FindingSettings, assignments: readonly string[]): FindingSettings {
  const where = 'option --setting';
  const optional = finding.optionalSettings ?? {};
  const names = [...Object.keys(settings).filter((k) => k !== 'config'), ...Object.keys(optional).filter((k) => !Object.hasOwn(settings, k))];
  let result: Record<string, unknown> = { ...settings };
  for (const text of assignments) {
    const { path, value } = parseSetAssignment(text, where);
    const at = `${where} ${path.join('.')}`;
    if (path[0] === 'config') throw new InputError(at, `one of the finding's own settings (${names.join(', ')}); its experiment config changes with --set or --config`, 'config');
    if (!names.includes(path[0])) {
      const suggestion = closestName(path[0], names);
      throw new InputError(at, `one of the settings of finding ${finding.name}: ${names.join(', ')}`, `${JSON.stringify(path[0])}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`);
    }
    // Copy the objects along the path, so the preset's settings stay as they are.
    const root: Record<string, unknown> = { ...result };
    let node = root;
    for (const [i, key] of path.slice(0, -1).entries()) {
      const child = Object.hasOwn(node, key) ? node[key] : undefined;
      if (typeof child !== 'object' || child === null || Array.isArray(child)) {
        throw new InputError(at, `a path through the setting's objects`, `${path.slice(0, i + 1).join('.')} is ${child === undefined ? 'not there' : kindOf(child)}`);
      }
      setOwn(node, key, { ...(child as Record<string, unknown>) }, at);
      node = node[key] as Record<string, unknown>;
    }
    const last = path[path.length - 1];
    const old = Object.hasOwn(node, last) ? node[last] : path.length === 1 && Object.hasOwn(optional, last) ? optional[last] : undefined;
    if (old !== undefined && kindOf(old) !== kindOf(value)) {
      const like = `${Object.hasOwn(node, last) ? "as the preset's" : 'e.g.'} ${JSON.stringify(old).slice(0, 60)}`;
      throw new InputError(at, `${kindOf(old)} (${like})`, `${kindOf(value)}: ${JSON.stringify(value).slice(0, 60)}`);
    }
    if (path.length > 1 && old === undefined) throw new InputError(at, `a field the setting has (${Object.keys(node).join(', ')})`, JSON.stringify(last));
    setOwn(node, last, value, at);
    result = root;
  }
  return result as unknown as FindingSettings;
}
