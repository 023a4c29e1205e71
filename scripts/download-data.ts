// Downloads datasets into data/<name>/ with checksum verification.
// Usage: npx tsx scripts/download-data.ts <name...> [--dir <folder>] [--overwrite]
//   names: mnist fashion-mnist kmnist cifar10 cifar100 stl10 svhn (or "all")
// Installed package users: `npx sslmem download <name>` does the same.
import { datasetSources, downloadDataset } from '../src/data';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const overwrite = args.includes('--overwrite');
  const dirAt = args.indexOf('--dir');
  const dir = dirAt >= 0 ? args[dirAt + 1] : undefined;
  const names = args.filter((a, i) => !a.startsWith('--') && (dirAt < 0 || i !== dirAt + 1));
  const all = Object.keys(datasetSources);
  const wanted = names.includes('all') ? all : names;
  if (wanted.length === 0 || (dir !== undefined && wanted.length > 1)) {
    console.error(`usage: npx tsx scripts/download-data.ts <${all.join('|')}|all>... [--dir <folder> (one dataset)] [--overwrite]`);
    process.exit(2);
  }
  for (const name of wanted) {
    let last = 0;
    const result = await downloadDataset(name, {
      dir,
      overwrite,
      onProgress: (e) => {
        if (e.phase === 'download' && e.bytes - last < 32 << 20) return;
        last = e.bytes;
        console.error(`${name}: ${e.phase} ${e.file} ${e.bytes > 0 ? `${(e.bytes / 2 ** 20).toFixed(1)} MiB` : ''}`.trimEnd());
      },
    });
    console.log(`${name}: ${result.skipped ? 'already complete in' : 'ready in'} ${result.dir} (${result.files.join(', ')})`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
