import { realpathSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import { InputError } from '../util/errors';

function real(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Checks that the dataset folder `dir` of a queued job lies inside one of `roots` after
 * symbolic links are followed (`fs.realpath` of both the folder and each root), so that a
 * link inside a root that points elsewhere (to `/etc`) is refused. A folder that does not
 * exist is refused too: no training could read it. `InputError` naming `where` otherwise.
 */
export function checkRealDataDir(dir: string, roots: readonly string[], where: string): void {
  const target = real(dir);
  if (target === undefined) throw new InputError(where, `an existing dataset folder inside ${roots.join(', ')}`, `${JSON.stringify(dir)}, which does not exist on this worker`);
  const inside = roots.some((root) => {
    const r = real(root);
    if (r === undefined) return false;
    const rel = relative(r, target);
    return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
  });
  if (!inside) throw new InputError(where, `a folder inside ${roots.join(', ')} (symbolic links followed)`, `${JSON.stringify(dir)}, which is ${JSON.stringify(target)}`);
}
