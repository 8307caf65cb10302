// `ganvae serve` as a user meets it: the printed URL on 127.0.0.1, the warning for --host 0.0.0.0, a clean exit on Ctrl-C (the real CLI in a
// child process), and CliErrors (one line from main.ts, exit 1/2) for a folder that is not a run, a missing page build, a taken port, bad flags.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { CliError } from '../../src/cli/command.ts';
import { command as serveCommand } from '../../src/cli/commands/serve.ts';
import { RUN_FORMAT_VERSION, writeRunInfo } from '../../src/training/run-folder.ts';
import { tempFolder } from '../training/fixtures.ts';
import { serve } from './browser.ts';

const temp = tempFolder('ganvae-serve-cli-test-');
const runDir = join(temp.dir, 'run');
const webDir = join(temp.dir, 'dist');

before(() => {
  // A GAN run folder as `ganvae train` lays it out; the server only needs the files to exist.
  mkdirSync(runDir);
  writeRunInfo(runDir, {
    formatVersion: RUN_FORMAT_VERSION, kind: 'gan', config: { latentSize: 4, preset: 'dcgan', loss: 'ns', conditional: 'none', prior: 'normal' },
    dataset: { name: 'tiny', shape: [8, 8, 1], classes: [] }, backend: 'cpu', createdAt: new Date(0).toISOString(),
  });
  mkdirSync(join(runDir, 'model', 'generator'), { recursive: true });
  writeFileSync(join(runDir, 'model', 'generator', 'model.json'), '{}');
  mkdirSync(webDir);
  writeFileSync(join(webDir, 'index.html'), '<!doctype html>');
});
after(() => temp.remove());

/** Runs `ganvae serve ...args` in-process up to its error; resolves to the exit code and message main.ts prints. */
async function serveError(args: string[], env: Record<string, string> = {}): Promise<{ code: number; output: string }> {
  const saved = process.env.GANVAE_WEB_DIST;
  process.env.GANVAE_WEB_DIST = env.GANVAE_WEB_DIST ?? webDir;
  try {
    await serveCommand.run(args);
  } catch (err) {
    assert.ok(err instanceof CliError, `a clean CliError, not ${(err as Error).stack}`);
    return { code: err.exitCode, output: err.message };
  } finally {
    if (saved === undefined) delete process.env.GANVAE_WEB_DIST;
    else process.env.GANVAE_WEB_DIST = saved;
  }
  throw new Error(`ganvae serve ${args.join(' ')} did not fail`);
}

describe('ganvae serve: the command', () => {
  it('binds 127.0.0.1 by default, prints the URL, serves a fresh manifest per load, and exits 0 on Ctrl-C', async () => {
    const served = await serve(runDir, [], { GANVAE_WEB_DIST: webDir });
    assert.match(served.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const manifest = await (await fetch(`${served.url}api/explorer.json`)).json();
    assert.equal(manifest.kind, 'gan');
    assert.equal(manifest.models.generator, '/run/model/generator/model.json');
    assert.equal(manifest.metrics, null);
    // Metrics written while the server runs (`ganvae eval`) show on the next page load.
    mkdirSync(join(runDir, 'eval'));
    writeFileSync(join(runDir, 'eval', 'metrics.json'), '{"evaluated":{"metrics":{"fid":12.5}}}');
    assert.deepEqual((await (await fetch(`${served.url}api/explorer.json`)).json()).metrics, { evaluated: { metrics: { fid: 12.5 } } });
    assert.equal(await served.stop(), 0);
    assert.match(served.output(), /stopping/);
  });

  it('--host 0.0.0.0 warns that the run is exposed, and still refuses a foreign Host header', async () => {
    const served = await serve(runDir, ['--host', '0.0.0.0'], { GANVAE_WEB_DIST: webDir });
    try {
      assert.match(served.output(), /ganvae serve: warning: --host 0\.0\.0\.0 makes this server reachable from every network/);
      const port = new URL(served.url).port;
      assert.equal((await fetch(`http://127.0.0.1:${port}/api/explorer.json`)).status, 200);
      const { request } = await import('node:http');
      const status = await new Promise<number>((resolve, reject) => {
        request({ host: '127.0.0.1', port, path: '/api/explorer.json', headers: { Host: `evil.example:${port}` } }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        }).on('error', reject).end();
      });
      assert.equal(status, 403);
    } finally {
      assert.equal(await served.stop(), 0);
    }
  });

  it('reports a taken port, naming --port', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { code, output } = await serveError([runDir, '--port', String(port)]);
      assert.equal(code, 1);
      assert.match(output, new RegExp(`port ${port} on 127.0.0.1 is already in use; pick another with --port`));
    } finally {
      blocker.close();
    }
  });

  it('refuses a folder that is not a run, a missing page build and bad flags with one-line messages', async () => {
    const cases: [string[], Record<string, string>, number, RegExp][] = [
      [[temp.dir], {}, 2, /is not a run folder: .*run\.json is missing/],
      [[join(temp.dir, 'nowhere')], {}, 2, /is not a run folder/],
      [[runDir], { GANVAE_WEB_DIST: join(temp.dir, 'no-build') }, 1, /the explorer page is not built .*; run `npm run setup`/],
      [[runDir, '--port', '70000'], {}, 2, /--port must be a number between 0 and 65535/],
      [[runDir, '--open', 'maybe'], {}, 2, /--open must be yes or no/],
      [[], {}, 2, /give exactly one run folder/],
    ];
    for (const [args, env, expectedCode, message] of cases) {
      const { code, output } = await serveError(args, env);
      assert.equal(code, expectedCode, `${args.join(' ')}: ${output}`);
      assert.match(output, message);
    }
  });
});
