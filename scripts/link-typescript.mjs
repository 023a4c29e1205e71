// tslab ships its own older TypeScript whose `tsc` binary can shadow the project's in
// node_modules/.bin; point `tsc` and `tsserver` back at the project's TypeScript.
import { existsSync, rmSync, symlinkSync } from 'node:fs';

for (const bin of ['tsc', 'tsserver']) {
  const link = `node_modules/.bin/${bin}`;
  if (!existsSync(`node_modules/typescript/bin/${bin}`)) continue;
  rmSync(link, { force: true });
  symlinkSync(`../typescript/bin/${bin}`, link);
}
