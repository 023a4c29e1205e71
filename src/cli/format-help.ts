import { valueNameOf, type OptionSpec, type PositionalSpec } from './parse-args';

/** What `formatHelp` shows for one command. */
export interface HelpText {
  /** Full command, e.g. `sslmem train`. */
  readonly command: string;
  /** One paragraph of what it does. */
  readonly summary: string;
  readonly options: readonly OptionSpec[];
  readonly positionals?: readonly PositionalSpec[];
  /** Example command lines. */
  readonly examples?: readonly string[];
  /** Closing notes (what it writes, ...). */
  readonly notes?: readonly string[];
}

/** Wraps `text` to `width` columns, every line after the first indented by `indent`. */
export function wrapText(text: string, width: number, indent: number): string {
  const words = text.split(/\s+/).filter((w) => w.length > 0);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line.length > 0 && line.length + 1 + word.length > width - indent) {
      lines.push(line);
      line = word;
    } else line = line.length > 0 ? `${line} ${word}` : word;
  }
  if (line.length > 0) lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

/** The `--help` text of a command: usage, summary, arguments, options with defaults, examples. */
export function formatHelp(help: HelpText, width = 88): string {
  const positionals = help.positionals ?? [];
  const usage = [help.command, ...positionals.map((p) => ((p.required ?? true) ? `<${p.name}>` : `[${p.name}]`)), help.options.length > 0 ? '[options]' : '']
    .filter((s) => s.length > 0)
    .join(' ');
  const out: string[] = [`Usage: ${usage}`, '', wrapText(help.summary, width, 0), ''];
  const rows: Array<[string, string]> = [];
  for (const p of positionals) rows.push([`<${p.name}>`, `${p.description}${p.choices ? ` (${p.choices.join(', ')})` : ''}`]);
  const optionRows: Array<[string, string]> = help.options.map((o) => {
    const left = o.kind === 'flag' ? `--${o.name}` : `--${o.name} ${valueNameOf(o)}`;
    const defaultText = o.defaultText ?? (o.default !== undefined && o.kind !== 'flag' ? String(o.default) : undefined);
    const extras = [o.repeated ? 'repeatable' : '', defaultText !== undefined ? `default ${defaultText}` : ''].filter((s) => s.length > 0);
    return [left, `${o.description}${extras.length > 0 ? ` (${extras.join('; ')})` : ''}`];
  });
  optionRows.push(['--help, -h', 'Show this help.']);
  const column = Math.min(30, Math.max(...[...rows, ...optionRows].map(([left]) => left.length)) + 4);
  const formatRow = ([left, right]: [string, string]): string =>
    left.length > column - 4 ? `  ${left}\n${' '.repeat(column)}${wrapText(right, width, column)}` : `  ${left.padEnd(column - 2)}${wrapText(right, width, column)}`;
  if (rows.length > 0) out.push('Arguments:', ...rows.map(formatRow), '');
  out.push('Options:', ...optionRows.map(formatRow), '');
  if (help.notes && help.notes.length > 0) out.push(...help.notes.map((n) => wrapText(n, width, 0)), '');
  if (help.examples && help.examples.length > 0) out.push('Examples:', ...help.examples.map((e) => `  ${e}`), '');
  return out.join('\n');
}
