// `emoji`: Google's Noto emoji as the npm package emoji-datasource-google publishes them, 3,786 64x64 RGBA
// PNGs (1,911 emoji and 1,875 skin-tone variants) in the package's 10 categories; composited over
// --background, resized by --image-size. `ganvae data download emoji` fetches the pinned version via npm.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_CACHE_DIR } from '../cache.ts';
import { checkIsFolder, type DataSource, type LoadOptions } from '../data-source.ts';
import { labelArray, splitDatasetByGroup, type Dataset, type DatasetSplits } from '../dataset.ts';
import { fitImage, type FitOptions } from '../fit-image.ts';
import { decodeImage } from '../image-codec.ts';
import { readFileChecked } from '../read-file.ts';
import { resolveRowOptions } from '../row-options.ts';
import { DataError } from '../../core/errors.ts';

const PACKAGE = 'emoji-datasource-google';
/** The version whose img/google/64 holds the 3,786 images (15.1.2 has 3,778, 14.0.0 3,629). */
const VERSION = '16.0.0';
/** `npm view emoji-datasource-google@16.0.0 dist.integrity`. */
const INTEGRITY = 'sha512-ZRexfzs7MVoLnmzZmNsO4TKhnAJp5D++Vm6PpUpH/jEQQlemp3l88CjZ+DoZ2faM9R4QxZkOPJCoT8DlPhfQ3A==';
const INDEX = 'emoji.json';
const IMAGE_FOLDER = 'img/google/64';
const SIDE = 64;
/** The emoji.json categories of 16.0.0, sorted: the class names, indexed by label. */
const CLASSES = ['Activities', 'Animals & Nature', 'Component', 'Flags', 'Food & Drink', 'Objects', 'People & Body',
  'Smileys & Emotion', 'Symbols', 'Travel & Places'];
/** Share of the images held out as the test split (the metrics' reference), by whole emoji with their variants. */
const TEST_SHARE = 0.1;
/** Fixed, so every run and every machine sees the same split. */
const SPLIT_SEED = 1;
/** Where `ganvae data download emoji` writes and `--data emoji` reads when given no folder. */
const DEFAULT_DIR = join(DEFAULT_CACHE_DIR, `${PACKAGE}-${VERSION}`);

/** One image of the package: its file under img/google/64, its category, and the index of the emoji it varies. */
interface EmojiImage {
  file: string;
  category: string;
  emoji: number;
}

/** What an emoji.json entry holds that the loader reads (the package has many more fields). */
interface IndexEntry {
  image?: unknown;
  category?: unknown;
  has_img_google?: unknown;
  skin_variations?: Record<string, { image?: unknown; has_img_google?: unknown }>;
}

/** The folder a load reads, and how to fill it. */
function emojiDir(options: LoadOptions): { dir: string; hint: string } {
  if (options.dataDir) checkIsFolder(options.dataDir, `${INDEX} and ${IMAGE_FOLDER}/`);
  const dir = options.dataDir ?? DEFAULT_DIR;
  return { dir, hint: `run \`ganvae data download emoji${options.dataDir ? ` --dir ${dir}` : ''}\`` };
}

/** The images emoji.json in `dir` lists with a Google image, base emoji and skin-tone variants, in its order. */
function readIndex(dir: string, hint: string): EmojiImage[] {
  const path = join(dir, INDEX);
  if (!existsSync(path)) throw new DataError(`no emoji data in ${dir}: ${path} is missing; ${hint}`);
  let entries: IndexEntry[];
  try {
    entries = JSON.parse(readFileSync(path, 'utf8'));
    if (!Array.isArray(entries)) throw new Error('not a JSON array');
  } catch (err) {
    throw new DataError(`${path} is corrupt (${(err as Error).message}); ${hint} again`);
  }
  const images: EmojiImage[] = [];
  entries.forEach((entry, emoji) => {
    const { category } = entry;
    const add = (image: unknown, hasImage: unknown) => {
      if (hasImage !== true) return;
      if (typeof image !== 'string' || !/^[0-9a-f-]+\.png$/.test(image) || typeof category !== 'string') {
        throw new DataError(`${path}: entry ${emoji} has no usable image name and category; ${hint} again`);
      }
      images.push({ file: image, category, emoji });
    };
    add(entry.image, entry.has_img_google);
    for (const variant of Object.values(entry.skin_variations ?? {})) add(variant.image, variant.has_img_google);
  });
  if (images.length === 0) throw new DataError(`${path} lists no images with has_img_google; ${hint} again`);
  const categories = [...new Set(images.map((i) => i.category))].sort();
  if (categories.join('\n') !== CLASSES.join('\n')) {
    throw new DataError(`${path} has the categories ${categories.join(', ')}; the emoji source expects the ${CLASSES.length} of ` +
      `${PACKAGE} ${VERSION} (${CLASSES.join(', ')}); ${hint}`);
  }
  return images;
}

const imagePath = (dir: string, image: EmojiImage) => join(dir, IMAGE_FOLDER, image.file);

/**
 * Decodes every listed image into [count, size, size, channels] with its category's label, split by whole
 * emoji: an emoji's skin tones, and byte-identical images (flags that share one), stay on one side.
 */
function loadEmoji(dir: string, images: EmojiImage[], row: FitOptions, hint: string): DatasetSplits {
  const missing = images.filter((image) => !existsSync(imagePath(dir, image)));
  if (missing.length) {
    const shown = missing.slice(0, 5).map((i) => i.file).join(', ');
    throw new DataError(`${join(dir, IMAGE_FOLDER)} holds ${images.length - missing.length} of the ${images.length} images ${INDEX} lists ` +
      `(missing: ${shown}${missing.length > 5 ? ', ...' : ''}): the download is incomplete; ${hint} again`);
  }
  const rowSize = row.size * row.size * row.channels;
  const pixels = new Uint8Array(images.length * rowSize);
  const labels = labelArray(images.length, CLASSES.length);
  // Union-find over emoji: two emoji sharing an image's bytes become one group.
  const parent = new Map<number, number>();
  const root = (e: number): number => {
    const p = parent.get(e) ?? e;
    return p === e ? e : root(p);
  };
  const emojiOfContent = new Map<string, number>();
  images.forEach((image, i) => {
    const path = imagePath(dir, image);
    let decoded;
    try {
      const bytes = readFileChecked(path, 2 ** 20);
      const content = createHash('sha1').update(bytes).digest('hex');
      const first = emojiOfContent.get(content);
      if (first === undefined) emojiOfContent.set(content, image.emoji);
      else if (root(first) !== root(image.emoji)) parent.set(root(image.emoji), root(first));
      decoded = decodeImage(bytes, path);
    } catch (err) {
      throw new DataError(`${(err as Error).message}; ${hint} again (it rewrites every file)`, { cause: err });
    }
    if (decoded.width !== SIDE || decoded.height !== SIDE) {
      throw new DataError(`${path} is ${decoded.width}x${decoded.height}, not ${SIDE}x${SIDE} as in ${PACKAGE}'s ${IMAGE_FOLDER}; ${hint} again`);
    }
    pixels.set(fitImage(decoded.pixels, SIDE, SIDE, decoded.channels as 1 | 2 | 3 | 4, row), i * rowSize);
    labels[i] = CLASSES.indexOf(image.category);
  });
  const all: Dataset = {
    name: 'emoji', images: pixels, labels, count: images.length, height: row.size, width: row.size, channels: row.channels, classNames: CLASSES,
  };
  return splitDatasetByGroup(all, images.map((image) => root(image.emoji)), Math.round(images.length * TEST_SHARE), SPLIT_SEED);
}

export const emoji: DataSource = {
  name: 'emoji',
  title: 'Noto emoji',
  summary: `Google's Noto emoji (npm ${PACKAGE} ${VERSION}): 3,786 64x64 RGBA images over --background in ${CLASSES.length} categories ` +
    '(a held-out 10% of the emoji, with their skin tones, is the test split)',
  classes: CLASSES,
  extractor: 'emoji',
  extractorVersion: 1,
  download: {
    kind: 'npm',
    spec: `${PACKAGE}@${VERSION}`,
    integrity: INTEGRITY,
    keep: (path) => path === INDEX || (path.startsWith(`${IMAGE_FOLDER}/`) && path.endsWith('.png') && !path.slice(IMAGE_FOLDER.length + 1).includes('/')),
    last: [INDEX],
    defaultDir: DEFAULT_DIR,
  },
  installed: () => ({ where: DEFAULT_DIR, found: existsSync(join(DEFAULT_DIR, INDEX)), install: '`ganvae data download emoji` fetches it via npm' }),
  imageFiles(_argument, options) {
    const { dir, hint } = emojiDir(options);
    return readIndex(dir, hint).map((image) => imagePath(dir, image));
  },
  plan(_argument, options) {
    const { dir, hint } = emojiDir(options);
    const row = resolveRowOptions({ ...options, size: options.size ?? SIDE });
    const images = readIndex(dir, hint);
    return {
      files: [join(dir, INDEX), ...images.map((image) => imagePath(dir, image))],
      settings: { dir: resolve(dir), ...row },
      decode: async () => ({ splits: loadEmoji(dir, images, row, hint), warnings: [] }),
    };
  },
};
