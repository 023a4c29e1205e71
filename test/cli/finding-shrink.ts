// How the finding tests shrink a finding's quick preset to keep a test within minutes on two
// cores: `--set` assignments over its config, by name. A finding not named here runs its quick
// preset as it is. Not a test file itself.

/** `--set PATH=VALUE` assignments per finding name. */
export const findingShrink: Readonly<Record<string, readonly string[]>> = {};

/** The `--set` words of a finding's shrink (none when it is not named). */
export function shrinkWords(name: string): string[] {
  return (findingShrink[name] ?? []).flatMap((s) => ['--set', s]);
}
