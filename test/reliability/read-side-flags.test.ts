// Issue #19, items 6-8: flag errors that say what is wrong: `traverse --dims` names latent dimensions,
// `eval -n=-5` explains the one-letter flag's "=", and a --data-dir (or download --dir) that is a file is
// called a file instead of being offered a download into it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError, numberFlag, type Command } from '../../src/cli/command.ts';
import { command as dataCommand } from '../../src/cli/commands/data.ts';
import { command as evalCommand } from '../../src/cli/commands/eval.ts';
import { command as traverseCommand } from '../../src/cli/commands/traverse.ts';
import { initBackend } from '../../src/env/backend.ts';
import { quietly, tempFolder, writeImageFolder, writeVaeRun } from './fixtures.ts';

const temp = tempFolder('ganvae-read-flags-');
const images = join(temp.dir, 'images');
const vae = join(temp.dir, 'vae');
const file = join(temp.dir, 'a-file');
before(async () => {
  await initBackend();
  writeImageFolder(images, 30);
  await writeVaeRun(vae, images);
  writeFileSync(file, 'not a folder');
});
after(() => temp.remove());

/** Runs `command` quietly; resolves to the CliError it throws (failing when it succeeds or throws something else). */
async function cliError(command: Command, args: string[]): Promise<CliError> {
  try {
    await quietly(() => command.run(args));
  } catch (err) {
    assert.ok(err instanceof CliError, `a CliError, got ${err}`);
    return err;
  }
  assert.fail(`${command.name} ${args.join(' ')} succeeded`);
}

describe('flag errors name what the value is', () => {
  it('traverse --dims beyond the latent size speaks of latent dimensions, --image of test images', async () => {
    const dims = await cliError(traverseCommand, ['--run', vae, '--dims', '0,16', '--out', join(temp.dir, 't.png')]);
    assert.equal(dims.exitCode, 2);
    assert.equal(dims.message, '--dims must be comma-separated latent dimensions in 0..1, got "0,16"');
    const image = await cliError(traverseCommand, ['--run', vae, '--image', '99', '--out', join(temp.dir, 't.png')]);
    assert.match(image.message, /--image must be comma-separated test-image indices in 0\.\.2, got "99"/);
  });

  it('eval -n=-5 says the one-letter flag took "=-5" and how to write it', async () => {
    const negative = await cliError(evalCommand, ['--images', images, '-n=-5']);
    assert.equal(negative.exitCode, 2);
    assert.match(negative.message, /^-n got the value "=-5": a one-letter flag takes its value after a space, so -n=-5 reads as "=-5"; write -n N or --n=N, where N is a number of at least 2 \("-5" is not\)$/);
    const fine = await cliError(evalCommand, ['--images', images, '-n=500']);
    assert.match(fine.message, /write -n 500 or --n=500$/);
    const long = await cliError(evalCommand, ['--images', images, '--n=1']);
    assert.equal(long.message, '--n must be a number of at least 2, got "1"');
  });

  it('numberFlag: ranges in words, empty values refused', () => {
    const cases: [string, string, number, number, RegExp][] = [
      ['port', '70000', 0, 65535, /^--port must be a number between 0 and 65535, got "70000"$/],
      ['seed', '', 0, 10, /^--seed must be a number between 0 and 10, got ""$/],
      ['n', '=x', 1, Infinity, /^-n got the value "=x".*"x" is not/],
      ['range', 'abc', -Infinity, Infinity, /^--range must be a finite number, got "abc"$/],
    ];
    for (const [name, value, min, max, pattern] of cases) assert.throws(() => numberFlag(name, value, 0, min, max), { message: pattern });
    assert.equal(numberFlag('n', '12', 0, 2), 12);
  });
});

describe('a --data-dir that is a file', () => {
  it('data info names it a file instead of suggesting a download into it', async () => {
    for (const source of ['mnist', 'fashion-mnist', 'cifar10']) {
      const err = await cliError(dataCommand, ['info', source, '--data-dir', file, '--no-cache']);
      assert.equal(err.exitCode, 2);
      assert.match(err.message, new RegExp(`^--data-dir ${file} is a file, not a folder: give the folder that holds `), source);
      assert.doesNotMatch(err.message, /data download/);
    }
  });

  it('data download --dir FILE is refused as bad usage before any network access', async () => {
    const err = await cliError(dataCommand, ['download', 'mnist', '--dir', file, '--base-url', 'http://127.0.0.1:9/']);
    assert.equal(err.exitCode, 2);
    assert.equal(err.message, `--dir ${file} is a file, not a folder; give the folder to write into`);
  });
});
