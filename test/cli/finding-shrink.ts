// How the finding tests shrink a finding's quick preset to keep a test within minutes on two
// cores: `--set` assignments over its config, by name. A finding not named here runs its quick
// preset as it is. Not a test file itself.

/** `--set PATH=VALUE` assignments per finding name. */
export const findingShrink: Readonly<Record<string, readonly string[]>> = {
  // Seven frameworks, two frameworks at four privacy levels, and the regulariser's weights:
  // every training of the quick preset, for a third of its 30 epochs.
  frameworks: ['train.epochs=10'],
  privacy: ['train.epochs=10'],
  regularizer: ['train.epochs=10'],
};

/** The `--set` words of a finding's shrink (none when it is not named). */
export function shrinkWords(name: string): string[] {
  return (findingShrink[name] ?? []).flatMap((s) => ['--set', s]);
}
