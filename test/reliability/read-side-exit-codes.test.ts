// Issue #19, items 2 and 5: a run folder that is missing, of another format version, of the wrong model
// family or with corrupt files is bad input, exit 2, in every command that reads runs; errors print one
// line, and GANVAE_DEBUG=1 adds the stack traces of the error and of the error it wraps.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError, exitCodeOf, type Command } from '../../src/cli/command.ts';
import { initBackend } from '../../src/env/backend.ts';
import { RUN_FORMAT_VERSION, writeRunInfo } from '../../src/training/run-folder.ts';
import { ganvae, quietly, tempFolder, writeGanRun, writeImageFolder, writeVaeRun } from './fixtures.ts';

const temp = tempFolder('ganvae-read-exit-');
const images = join(temp.dir, 'images');
const gan = join(temp.dir, 'gan');
const vae = join(temp.dir, 'vae');
const newer = join(temp.dir, 'newer');
const classifier = join(temp.dir, 'classifier');
const unknownKind = join(temp.dir, 'unknown-kind');
const badJson = join(temp.dir, 'bad-json');
const missing = join(temp.dir, 'missing');

before(async () => {
  await initBackend();
  writeImageFolder(images, 30);
  await writeGanRun(gan, images);
  await writeVaeRun(vae, images);
  const info = JSON.parse(readFileSync(join(gan, 'run.json'), 'utf8'));
  for (const [dir, change] of [[newer, { formatVersion: 99 }], [unknownKind, { kind: 'diffusion' }]] as const) {
    cpSync(gan, dir, { recursive: true });
    writeFileSync(join(dir, 'run.json'), JSON.stringify({ ...info, ...change }));
  }
  cpSync(gan, badJson, { recursive: true });
  writeFileSync(join(badJson, 'run.json'), '{"formatVersion": 1, "kind": ');
  mkdirSync(classifier);
  writeRunInfo(classifier, { ...info, formatVersion: RUN_FORMAT_VERSION, kind: 'classifier' });
});
after(() => temp.remove());

/** Runs `ganvae <name> ...args` in this process; resolves to the exit code main() would return and the message. */
async function exitOf(name: string, args: string[]): Promise<{ code: number; message: string }> {
  const { command } = await import(`../../src/cli/commands/${name}.ts`) as { command: Command };
  try {
    return { code: (await quietly(() => command.run(args))).result, message: '' };
  } catch (err) {
    return { code: exitCodeOf(err), message: (err as Error).message };
  }
}

/** The arguments of each reading command for the run folder `dir`. */
const readers: Record<string, (dir: string) => string[]> = {
  sample: (dir) => ['--run', dir, '--n', '2', '--out', join(temp.dir, 'x.png')],
  interpolate: (dir) => ['--run', dir, '--from', '1', '--to', '2', '--out', join(temp.dir, 'x-strip.png')],
  eval: (dir) => ['--run', dir, '-n', '10'],
  report: (dir) => [dir, '--out', join(temp.dir, 'x.html')],
  reconstruct: (dir) => ['--run', dir, '--out', join(temp.dir, 'x-rec.png')],
  traverse: (dir) => ['--run', dir, '--out', join(temp.dir, 'x-trav.png')],
  'latent-map': (dir) => ['--run', dir, '--out-dir', join(temp.dir, 'x-map')],
  serve: (dir) => [dir, '--port', '0'],
};

describe('exit code 2 for a bad run folder, in every reading command', () => {
  const bad: [string, string, RegExp][] = [
    ['missing', missing, /missing is not a run folder: .*missing\/run\.json is missing \(the folder itself does not exist\)/],
    ['another format version', newer, /run format version 99, but this ganvae reads version 1/],
    ['run.json not JSON', badJson, /bad-json\/run\.json is not valid JSON/],
    ['an unknown model kind', unknownKind, /names the model kind "diffusion"/],
  ];
  for (const name of Object.keys(readers)) {
    it(name, async () => {
      for (const [what, dir, pattern] of bad) {
        const { code, message } = await exitOf(name, readers[name](dir));
        assert.equal(code, 2, `${name} on a run folder with ${what}: ${message}`);
        assert.match(message, pattern, `${name} on a run folder with ${what}`);
      }
    });
  }

  it('the wrong model family: a classifier run for sample/interpolate/eval/serve, a GAN run for the VAE commands', async () => {
    const cases: [string, string, RegExp][] = [
      ['sample', classifier, /is a classifier run; it has no generator/],
      ['interpolate', classifier, /is a classifier run/],
      ['eval', classifier, /is a classifier run/],
      ['serve', classifier, /is a classifier run/],
      ['reconstruct', gan, /gan is a gan run; this needs a VAE run/],
      ['traverse', gan, /gan is a GAN run without latent codes; traverse needs codes \(train with --info-categorical or --info-continuous\)/],
      ['latent-map', gan, /is a gan run; this needs a VAE run/],
    ];
    for (const [name, dir, pattern] of cases) {
      const { code, message } = await exitOf(name, readers[name](dir));
      assert.equal(code, 2, `${name} on ${dir}: ${message}`);
      assert.match(message, pattern);
    }
    const images = await exitOf('interpolate', ['--run', gan, '--images', '0,1', '--out', join(temp.dir, 'y.png')]);
    assert.equal(images.code, 2, images.message);
    assert.match(images.message, /--images: .*is a gan run; this needs a VAE run/);
  });

  it('a run without weights yet, and weights that do not fit run.json\'s architecture', async () => {
    const empty = join(temp.dir, 'no-weights');
    mkdirSync(empty);
    writeRunInfo(empty, JSON.parse(readFileSync(join(gan, 'run.json'), 'utf8')));
    const none = await exitOf('sample', readers.sample(empty));
    assert.equal(none.code, 2, none.message);
    assert.match(none.message, /has neither model\/ nor a checkpoint yet/);
    // A VAE's run.json over a GAN's model/: the parts it needs are not there.
    const mixed = join(temp.dir, 'mixed');
    cpSync(gan, mixed, { recursive: true });
    cpSync(join(vae, 'run.json'), join(mixed, 'run.json'));
    const wrong = await exitOf('reconstruct', readers.reconstruct(mixed));
    assert.equal(wrong.code, 2, wrong.message);
    assert.match(wrong.message, /mixed\/model\/encoder/);
  });

  it('through bin/ganvae.js too: sample and eval on another format version exit 2', async () => {
    for (const name of ['sample', 'eval']) {
      const child = await ganvae([name, ...readers[name](newer)], temp.dir);
      assert.equal(child.code, 2, child.stderr);
      assert.match(child.stderr, new RegExp(`^ganvae ${name}: .*run format version 99`));
    }
  });
});

describe('GANVAE_DEBUG', () => {
  it('errors are one line without it; with GANVAE_DEBUG=1 the stack follows, and the stack of the error wrapped in a CliError', async () => {
    const args = readers.sample(newer);
    const plain = await ganvae(['sample', ...args], temp.dir);
    assert.equal(plain.code, 2);
    assert.equal(plain.stderr.trimEnd().split('\n').length, 1, plain.stderr);
    assert.doesNotMatch(plain.stderr, /\n\s+at /);

    const debug = await ganvae(['sample', ...args], temp.dir, { GANVAE_DEBUG: '1' });
    assert.equal(debug.code, 2);
    const [line, ...stack] = debug.stderr.trimEnd().split('\n');
    assert.equal(line, plain.stderr.trimEnd());
    const text = stack.join('\n');
    assert.match(text, /^CliError: .*run format version 99/);
    assert.match(text, /\n\s+at .*open-run\.[jt]s:\d+/);
    assert.match(text, /\nCaused by: RunFolderError: .*run format version 99[^]*\n\s+at readRunInfo .*run-folder\.[jt]s:\d+/);
  });

  it('a usage error (a CliError with no cause) shows its own stack', async () => {
    const debug = await ganvae(['sample', '--run', gan, '--n', 'many'], temp.dir, { GANVAE_DEBUG: '1' });
    assert.equal(debug.code, 2);
    assert.match(debug.stderr, /^ganvae sample: --n must be a number between 1 and 10000, got "many"\nCliError: --n must be[^]*\n\s+at .*sample\.[jt]s:\d+/);
    assert.doesNotMatch(debug.stderr, /Caused by/);
  });

  it('CliError takes a cause', () => {
    const cause = new Error('inner');
    const err = new CliError('outer', 1, { cause });
    assert.equal(err.cause, cause);
    assert.equal(err.exitCode, 1);
  });
});
