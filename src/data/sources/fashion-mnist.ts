// `fashion-mnist` (the default source): Zalando's 70,000 28x28 grey images of clothes in ten classes,
// four IDX files read from Debian's dataset-fashion-mnist package, or from --data-dir.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { checkIsFolder, decodeSync, type DataSource } from '../data-source.ts';
import { idxPaths, loadIdxDirectory } from '../idx-directory.ts';

/** Where Debian's `dataset-fashion-mnist` package installs the gzipped IDX files. */
const SYSTEM_DIR = '/usr/share/datasets/fashion-mnist';

const CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

export const fashionMnist: DataSource = {
  name: 'fashion-mnist',
  title: 'Fashion-MNIST',
  summary: 'Fashion-MNIST: 70,000 28x28 grey images of clothes in 10 classes (60k train / 10k test)',
  classes: CLASSES,
  extractor: 'fashion-mnist',
  // Zalando Research's host and the MD5s in their README.
  download: {
    baseUrl: 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
    files: [
      { name: 'train-images-idx3-ubyte.gz', md5: '8d4fb7e6c68d591d4c3dfef9ec88bf0d' },
      { name: 'train-labels-idx1-ubyte.gz', md5: '25c81989df183df01b3e8a0aad5dffbe' },
      { name: 't10k-images-idx3-ubyte.gz', md5: 'bef4ecab320f06d8554ea6380940ec79' },
      { name: 't10k-labels-idx1-ubyte.gz', md5: 'bb300cfdad3c16e7a12a480ee83cd310' },
    ],
  },
  installed: () => ({
    where: SYSTEM_DIR,
    found: existsSync(join(SYSTEM_DIR, 'train-images-idx3-ubyte.gz')),
    install: 'run `apt-get install dataset-fashion-mnist` (or `npm run setup`)',
  }),
  plan(_argument, options) {
    const dir = options.dataDir ?? SYSTEM_DIR;
    if (options.dataDir) checkIsFolder(dir, 'train-images-idx3-ubyte[.gz] and the other three IDX files');
    const hint = options.dataDir
      ? `run \`ganvae data download fashion-mnist --dir ${dir}\``
      : 'install Debian\'s dataset-fashion-mnist (`apt-get install dataset-fashion-mnist`) or pass --data-dir';
    return { files: idxPaths(dir), settings: null, decode: decodeSync(() => loadIdxDirectory(dir, 'fashion-mnist', CLASSES, hint)) };
  },
};
