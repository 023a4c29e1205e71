import { InputError } from '../util/errors';

/**
 * How an option's value is read: `string` as given, `integer` / `number` checked numbers,
 * `choice` one of `choices`, `integer-list` comma-separated integers (`0,1,2`) or a JSON
 * array, `flag` takes no value (true when present).
 */
export type OptionKind = 'string' | 'integer' | 'number' | 'choice' | 'integer-list' | 'flag';

/** One `--name` option of a command. */
export interface OptionSpec {
  /** Long name without the dashes, e.g. `epochs`. */
  readonly name: string;
  readonly kind: OptionKind;
  /** One line for `--help`. */
  readonly description: string;
  /** Placeholder of the value in `--help`, e.g. `DIR` (default from the kind). */
  readonly valueName?: string;
  /** Allowed values of a `choice` option. */
  readonly choices?: readonly string[];
  /** Least value of an `integer` / `number` option (and of each `integer-list` entry). */
  readonly min?: number;
  /** May be given several times; the values are collected in order into an array. */
  readonly repeated?: boolean;
  /** Value when the option is absent (shown in `--help`). */
  readonly default?: string | number | boolean;
  /** Text shown as the default in `--help` when it is not a literal (e.g. `runs/ or $SSLMEM_RUNS`). */
  readonly defaultText?: string;
}

/** A positional argument of a command (`sslmem download <name>`). */
export interface PositionalSpec {
  readonly name: string;
  readonly description: string;
  /** Default true. */
  readonly required?: boolean;
  /** Allowed values. */
  readonly choices?: readonly string[];
}

/** What `parseArgs` returns. */
export interface ParsedArgs {
  /** Option values by name (defaults filled in; absent options without default are missing). */
  readonly values: Readonly<Record<string, unknown>>;
  /** Positional arguments by name. */
  readonly positionals: Readonly<Record<string, string>>;
  /** `--help` or `-h` was given (the rest is then not checked). */
  readonly help: boolean;
}

/** Options of `parseArgs`. */
export interface ParseArgsOptions {
  /** Command name used in error messages, e.g. `sslmem train`. */
  readonly command: string;
  /** Positional arguments, in order. Default none. */
  readonly positionals?: readonly PositionalSpec[];
}

/** Edit distance of two short strings, a swap of neighbours counting as one edit (for "did you mean"). */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The closest of `candidates` to `word` when close enough to be a typo, else undefined. */
export function closestName(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = c.startsWith(word) && word.length >= 3 ? 0.5 : editDistance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

/** Placeholder of an option's value in help and messages. */
export function valueNameOf(spec: OptionSpec): string {
  if (spec.valueName !== undefined) return spec.valueName;
  switch (spec.kind) {
    case 'integer':
      return 'N';
    case 'number':
      return 'X';
    case 'choice':
      return (spec.choices ?? []).join('|');
    case 'integer-list':
      return 'N,N,...';
    default:
      return 'VALUE';
  }
}

/** What a value of `spec` must look like, for error messages. */
function expectedOf(spec: OptionSpec): string {
  switch (spec.kind) {
    case 'integer':
      return `an integer${spec.min !== undefined ? ` >= ${spec.min}` : ''}`;
    case 'number':
      return `a number${spec.min !== undefined ? ` >= ${spec.min}` : ''}`;
    case 'choice':
      return `one of ${(spec.choices ?? []).join(', ')}`;
    case 'integer-list':
      return `comma-separated integers${spec.min !== undefined ? ` >= ${spec.min}` : ''} (e.g. 0,1,2)`;
    default:
      return `a value (${valueNameOf(spec)})`;
  }
}

function parseInteger(text: string): number | undefined {
  return /^[+-]?\d+$/.test(text.trim()) ? Number(text) : undefined;
}

/** Reads one option value; throws an `InputError` naming the option. */
export function parseOptionValue(spec: OptionSpec, text: string): unknown {
  const where = `option --${spec.name}`;
  const fail = (): never => {
    const suggestion = spec.kind === 'choice' ? closestName(text, spec.choices ?? []) : undefined;
    throw new InputError(where, expectedOf(spec), `${JSON.stringify(text)}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`);
  };
  switch (spec.kind) {
    case 'string':
      if (text.length === 0) fail();
      return text;
    case 'choice':
      if (!(spec.choices ?? []).includes(text)) fail();
      return text;
    case 'integer': {
      const n = parseInteger(text);
      if (n === undefined || !Number.isSafeInteger(n) || (spec.min !== undefined && n < spec.min)) fail();
      return n;
    }
    case 'number': {
      const n = text.trim() === '' ? NaN : Number(text);
      if (!Number.isFinite(n) || (spec.min !== undefined && n < spec.min)) fail();
      return n;
    }
    case 'integer-list': {
      let items: unknown[];
      if (text.trim().startsWith('[')) {
        try {
          const parsed = JSON.parse(text) as unknown;
          items = Array.isArray(parsed) ? parsed : [];
        } catch {
          return fail();
        }
      } else {
        items = text.split(',').map((s) => parseInteger(s) ?? NaN);
      }
      const ok = items.length > 0 && items.every((v) => Number.isSafeInteger(v) && (spec.min === undefined || (v as number) >= spec.min));
      if (!ok) fail();
      return items as number[];
    }
    default:
      throw new Error(`parseOptionValue: option kind ${spec.kind} takes no value`);
  }
}

/**
 * Parses a command's arguments: `--name value`, `--name=value`, flags `--name`, `--help` /
 * `-h`, positionals, and `--` (everything after it is positional). Values are checked by
 * their spec's kind. Unknown options, missing or bad values, repeated single options and
 * extra or missing positionals throw an `InputError` that names the option and says what
 * was expected and found (with a "did you mean" for near misses).
 */
export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[], options: ParseArgsOptions): ParsedArgs {
  const bySpec = new Map(specs.map((s) => [s.name, s]));
  const endOfOptions = argv.indexOf('--');
  const optionPart = endOfOptions === -1 ? argv : argv.slice(0, endOfOptions);
  if (optionPart.includes('--help') || optionPart.includes('-h')) return { values: {}, positionals: {}, help: true };

  const values: Record<string, unknown> = {};
  const rawPositionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (i === endOfOptions) {
      rawPositionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      rawPositionals.push(arg);
      continue;
    }
    if (!arg.startsWith('--')) {
      throw new InputError(options.command, 'long options such as --out DIR (see --help)', `${JSON.stringify(arg)}`);
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const spec = bySpec.get(name);
    if (spec === undefined) {
      const suggestion = closestName(name, [...bySpec.keys(), 'help']);
      throw new InputError(
        `option --${name}`,
        `one of the options of ${options.command} (see ${options.command} --help)`,
        `an unknown option${suggestion ? `; did you mean --${suggestion}?` : ''}`,
      );
    }
    let value: unknown;
    if (spec.kind === 'flag') {
      if (eq !== -1) throw new InputError(`option --${name}`, 'no value (it is a flag)', JSON.stringify(arg.slice(eq + 1)));
      value = true;
    } else {
      let text: string;
      if (eq !== -1) text = arg.slice(eq + 1);
      else {
        const next = argv[i + 1];
        if (next === undefined || i + 1 === endOfOptions || (next.startsWith('--') && next.length > 2)) {
          throw new InputError(`option --${name}`, `a value ${valueNameOf(spec)}`, next === undefined || i + 1 === endOfOptions ? 'nothing' : `the option ${next}`);
        }
        text = next;
        i++;
      }
      value = parseOptionValue(spec, text);
    }
    if (spec.repeated) {
      values[name] = [...((values[name] as unknown[] | undefined) ?? []), value];
    } else if (Object.hasOwn(values, name)) {
      throw new InputError(`option --${name}`, 'at most one value', `two (${JSON.stringify(values[name])} and ${JSON.stringify(value)})`);
    } else {
      values[name] = value;
    }
  }
  for (const spec of specs) {
    if (!Object.hasOwn(values, spec.name)) {
      if (spec.default !== undefined) values[spec.name] = spec.default;
      else if (spec.repeated) values[spec.name] = [];
    }
  }

  const positionalSpecs = options.positionals ?? [];
  const positionals: Record<string, string> = {};
  if (rawPositionals.length > positionalSpecs.length) {
    const extra = rawPositionals[positionalSpecs.length];
    throw new InputError(
      options.command,
      positionalSpecs.length === 0 ? 'only options (see --help)' : `at most ${positionalSpecs.length} argument(s): ${positionalSpecs.map((p) => `<${p.name}>`).join(' ')}`,
      `the extra argument ${JSON.stringify(extra)}`,
    );
  }
  positionalSpecs.forEach((spec, k) => {
    const text = rawPositionals[k];
    if (text === undefined) {
      if (spec.required ?? true) throw new InputError(options.command, `the argument <${spec.name}> (${spec.description})`, 'nothing');
      return;
    }
    if (spec.choices !== undefined && !spec.choices.includes(text)) {
      const suggestion = closestName(text, spec.choices);
      throw new InputError(`argument <${spec.name}>`, `one of ${spec.choices.join(', ')}`, `${JSON.stringify(text)}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`);
    }
    positionals[spec.name] = text;
  });
  return { values, positionals, help: false };
}
