// `ganvae data info`: summary (text and JSON), byte-identical files, the sample grid, and clean failures with exit 2.
import { after, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { command } from '../../src/cli/commands/data.ts';
import { CliError } from '../../src/cli/command.ts';
import { decodeImage } from '../../src/data/image-codec.ts';
import { pngBytes, put, smoothImage, tempFolder, writeIdxSet } from './fixtures.ts';

const temp = tempFolder();
after(temp.remove);

/** Runs `ganvae data ...` in-process, returning its exit code and what it printed. */
async function runData(args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const log = mock.method(console, 'log', (...parts: unknown[]) => lines.push(parts.join(' ')));
  try {
    return { code: await command.run(args), out: lines.join('\n') };
  } finally {
    log.mock.restore();
  }
}

describe('ganvae data info', () => {
  it('summarises a folder as JSON and writes a grid of its images', async () => {
    const dir = join(temp.dir, 'pics');
    for (const [i, cls] of ['red', 'red', 'blue', 'blue', 'blue'].entries()) {
      put(join(dir, cls, `${i}.png`), pngBytes(smoothImage(12, 12, 3, i), 12, 12, 3));
    }
    const grid = join(temp.dir, 'grid.png');
    const { code, out } = await runData(['info', `folder:${dir}`, '--size', '8', '--no-cache', '--out', grid, '--grid', '4', '--json']);
    assert.equal(code, 0);
    const summary = JSON.parse(out);
    assert.equal(summary.train + summary.test, 5);
    assert.deepEqual(summary.shape, [8, 8, 3]);
    assert.deepEqual(summary.classes.map((c: { name: string }) => c.name), ['blue', 'red']);
    assert.equal(summary.pixels.mean.length, 3);
    const image = decodeImage(readFileSync(grid));
    assert.deepEqual([image.width, image.height, image.channels], [2 * 10 + 2, 2 * 10 + 2, 3]);
  });

  it('lists byte-identical files of a folder, and reads --background and --fit', async () => {
    const dir = join(temp.dir, 'dups');
    const png = pngBytes(smoothImage(12, 12, 4, 1).map((v, i) => (i % 4 === 3 ? 0 : v)), 12, 12, 4);
    for (const name of ['a/1.png', 'a/2.png', 'b/3.png']) put(join(dir, name), png);
    put(join(dir, 'b', '4.png'), pngBytes(smoothImage(12, 12, 3, 2), 12, 12, 3));
    put(join(dir, 'b', '5.png'), pngBytes(smoothImage(12, 12, 3, 2), 12, 12, 3));
    put(join(dir, 'b', 'notes.txt'), 'twice');
    put(join(dir, 'b', 'copy.txt'), 'twice');
    const { out } = await runData(['info', `folder:${dir}`, '--size', '8', '--no-cache', '--background', 'black', '--fit', 'pad']);
    assert.match(out, /files {4}5 in .*dups; 3 are byte-identical copies of another \(2 group\(s\), by SHA-1\):\n {11}a\/1\.png = a\/2\.png = b\/3\.png\n {11}b\/4\.png = b\/5\.png/);
    assert.match(out, /pixels {3}mean 0\.\d+ 0\.\d+ 0\.\d+/);
    const summary = JSON.parse((await runData(['info', `folder:${dir}`, '--size', '8', '--no-cache', '--json'])).out);
    assert.deepEqual(summary.duplicates.first, [['a/1.png', 'a/2.png', 'b/3.png'], ['b/4.png', 'b/5.png']]);
    const black = JSON.parse((await runData(['info', `folder:${dir}`, '--size', '8', '--no-cache', '--json', '--background', 'black'])).out);
    assert.ok(black.pixels.mean[0] < summary.pixels.mean[0], 'the transparent images turn black instead of white');
    const unique = join(temp.dir, 'unique');
    put(join(unique, 'x.png'), png);
    assert.match((await runData(['info', `folder:${unique}`, '--size', '8', '--no-cache'])).out, /files {4}1, no two byte-identical/);
  });

  it('prints counts, shape, classes and pixel statistics for an IDX folder', async () => {
    const dir = join(temp.dir, 'idx');
    writeIdxSet(dir);
    const { code, out } = await runData(['info', 'mnist', '--data-dir', dir, '--no-cache']);
    assert.equal(code, 0);
    assert.match(out, /train {4}12 images/);
    assert.match(out, /test {5}5 images/);
    assert.match(out, /shape {4}6x6x1 \(uint8\)/);
    assert.match(out, /classes {2}10: 0 \(\d+\), 1 \(\d+\)/);
    assert.match(out, /pixels {3}mean 0\.\d{4} {2}std 0\.\d{4}/);
  });

  it('turns bad input into a CliError with exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [['info', `folder:${join(temp.dir, 'absent')}`], /image folder .*absent does not exist/],
      [['info', 'folder:x', '--channels', '2'], /--channels must be 1 or 3, got 2/],
      [['info', 'folder:x', '--size', 'big'], /--size must be a number/],
      [['info', 'folder:x', '--fit', 'stretch'], /--fit must be crop or pad, got "stretch"/],
      [['info', 'folder:x', '--background', 'teal'], /--background "teal" is not a colour: use white, black or #rrggbb/],
      [['frobnicate'], /unknown data subcommand "frobnicate"/],
    ];
    for (const [args, pattern] of cases) {
      await assert.rejects(command.run(args), (err: Error) => err instanceof CliError && err.exitCode === 2 && pattern.test(err.message));
    }
  });

  it('exits 2 with one clean line, no stack trace, for a corrupt IDX file (child process)', async () => {
    const dir = join(temp.dir, 'bad-idx');
    writeIdxSet(dir);
    put(join(dir, 'train-images-idx3-ubyte'), 'GIF89a not an IDX file');
    const failure = await promisify(execFile)(process.execPath, ['bin/ganvae.js', 'data', 'info', 'mnist', '--data-dir', dir, '--no-cache'])
      .then(() => null, (err: { code: number; stderr: string }) => err);
    assert.ok(failure);
    assert.equal(failure.code, 2);
    assert.match(failure.stderr, /^ganvae data: .*train-images-idx3-ubyte: wrong IDX magic 0x47494638/);
    assert.doesNotMatch(failure.stderr, /\n\s+at /);
  });
});
