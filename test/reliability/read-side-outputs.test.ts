// Issue #19 ("nothing lost", item 9 beyond eval): the commands that write images or pages check their
// output paths before they compute, and a path that cannot be written is bad usage (exit 2) named by its flag.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../src/core/errors.ts';
import { CliError, exitCodeOf, type Command } from '../../src/cli/command.ts';
import { initBackend } from '../../src/env/backend.ts';
import { quietly, tempFolder, writeGanRun, writeImageFolder, writeVaeRun } from './fixtures.ts';

const temp = tempFolder('ganvae-read-outputs-');
const images = join(temp.dir, 'images');
const gan = join(temp.dir, 'gan');
const vae = join(temp.dir, 'vae');
const folder = join(temp.dir, 'a-folder');
const file = join(temp.dir, 'a-file');
before(async () => {
  await initBackend();
  writeImageFolder(images, 30);
  await writeGanRun(gan, images);
  await writeVaeRun(vae, images);
  mkdirSync(folder);
  writeFileSync(file, 'not a folder');
});
after(() => temp.remove());

async function failure(name: string, args: string[]): Promise<{ code: number; message: string }> {
  const { command } = await import(`../../src/cli/commands/${name}.ts`) as { command: Command };
  try {
    await quietly(() => command.run(args));
  } catch (err) {
    // What the CLI prints and exits with: a CliError, or an error of bad input that main maps to exit 2.
    assert.ok(err instanceof CliError || err instanceof ConfigError, `${name}: a CliError or ConfigError, got ${err}`);
    return { code: exitCodeOf(err), message: err.message };
  }
  return assert.fail(`${name} ${args.join(' ')} succeeded`);
}

it('a file path that is a folder, or lies below a file, is refused by its flag with exit 2', async () => {
  const cases: [string, string[], RegExp][] = [
    ['sample', ['--run', gan, '--out', folder], new RegExp(`^--out ${folder} is a folder; give the path of a file to write, like ${folder}/sample\\.png$`)],
    ['sample', ['--run', gan, '--out', join(file, 'x.png')], new RegExp(`^--out ${file}/x\\.png: its folder ${file} is a file, not a folder$`)],
    ['sample', ['--run', gan, '--out-dir', file], new RegExp(`^--out-dir ${file} is a file, not a folder$`)],
    ['interpolate', ['--run', gan, '--from', '1', '--to', '2', '--out', folder], /^--out .*a-folder is a folder; .*interpolate-1-2\.png$/],
    ['interpolate', ['--run', gan, '--from', '1', '--to', '2', '--out', join(temp.dir, 'ok.png'), '--gif', folder], /^--gif .*a-folder is a folder/],
    ['report', [gan, '--out', folder], /^--out .*a-folder is a folder; .*report\.html$/],
    ['reconstruct', ['--run', vae, '--out', folder], /^--out .*a-folder is a folder; .*reconstruct\.png$/],
    ['traverse', ['--run', vae, '--out', join(file, 't.png')], /^--out .*a-file\/t\.png: its folder .*a-file is a file, not a folder$/],
    ['latent-map', ['--run', vae, '--out-dir', file], /^--out-dir .*a-file is a file, not a folder$/],
  ];
  for (const [name, args, pattern] of cases) {
    const { code, message } = await failure(name, args);
    assert.equal(code, 2, `${name}: ${message}`);
    assert.match(message, pattern, name);
  }
  assert.equal(existsSync(join(temp.dir, 'ok.png')), false, 'interpolate wrote nothing before refusing --gif');
});

it('the default outputs inside a run are checked too, after the run folder itself', async () => {
  mkdirSync(join(gan, 'samples', 'sample.png'), { recursive: true });
  const blocked = await failure('sample', ['--run', gan]);
  assert.equal(blocked.code, 2);
  assert.match(blocked.message, /^the output file \(--out\) .*gan\/samples\/sample\.png is a folder/);
  const notRun = await failure('sample', ['--run', file]);
  assert.match(notRun.message, /a-file is not a run folder/);
});
