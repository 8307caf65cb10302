// The package as npm users get it: `npm pack` of this repository, the tarball installed into an empty temporary
// folder (dependencies from the npm registry or cache), then, with nothing of the repository on the path:
// - Node: `import('ganvae')` builds a GAN and runs one training step on the cpu backend; `npx ganvae doctor`
//   answers (cpu, saying once how to build the addon); `ganvae build-native --configure-only` finds node-gyp,
//   node-addon-api and Node's headers; the `.d.ts` files type-check a user's TypeScript;
// - browser: a Vite page importing `ganvae` (its `browser` entry) samples a generator in Chromium, with the
//   same values as Node. The Vite build refuses Node-only modules that reach the bundle unmapped.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { build, preview, type Plugin } from 'vite';
import { initBackend } from '../../src/env/backend.ts';
import { Rng } from '../../src/core/random.ts';
import { buildGenerator } from '../../src/gan/dcgan.ts';
import { ganPreset } from '../../src/gan/presets.ts';
import { latentNoise } from '../../src/training/latent.ts';
import { ARTIFACTS, launchChromium, watchPage } from '../web/browser.ts';
import { isNodeOnly } from './import-graph.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const run = promisify(execFile);
const temp = mkdtempSync(join(tmpdir(), 'ganvae-package-'));
/** The user's project: package.json, the tarball, node_modules. */
const project = join(temp, 'project');
/** An environment without the repository's set-up: no backend forced, no addon of our own. */
const userEnv: NodeJS.ProcessEnv = { ...process.env, GANVAE_BACKEND: '', FORCE_COLOR: '0' };
delete userEnv.GANVAE_NATIVE_ADDON;

before(async () => {
  // prepack (scripts/build.sh, build-web.sh) brings dist/ and web/dist/ up to date first.
  await run('npm', ['pack', '--pack-destination', temp, '--loglevel=error'], { cwd: ROOT, env: process.env });
  const [tarball] = readdirSync(temp).filter((f) => f.endsWith('.tgz'));
  assert.ok(tarball, 'npm pack wrote no tarball');
  cpSync(join(ROOT, 'test', 'package', 'page'), join(project, 'page'), { recursive: true });
  copyFileSync(join(temp, tarball), join(project, tarball));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'ganvae-user', private: true, type: 'module' }));
  await run('npm', ['install', `./${tarball}`, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: project, env: userEnv });
});
after(() => rmSync(temp, { recursive: true, force: true }));

describe('the installed package in Node', () => {
  it('holds the compiled entries, the addon sources and the extractor weights, and no TypeScript sources', () => {
    const pkg = join(project, 'node_modules', 'ganvae');
    for (const file of ['dist/index.js', 'dist/index.d.ts', 'dist/browser.js', 'dist/browser.d.ts', 'dist/cli/main.js', 'bin/ganvae.js',
      'native/binding.gyp', 'native/src/addon.cc', 'models/extractors/fashion-mnist-v2/model.json', 'web/dist/index.html']) {
      assert.ok(existsSync(join(pkg, file)), `${file} is missing from the package`);
    }
    assert.ok(!existsSync(join(pkg, 'src')), 'src/ is not shipped');
    assert.ok(!existsSync(join(project, 'node_modules', 'tsx')), 'tsx is a development dependency only');
  });

  it("import('ganvae') builds a GAN and runs one training step on the cpu backend", async () => {
    const script = `import('ganvae').then(async (m) => {
      const backend = await m.initBackend('cpu');
      const rng = new m.Rng(1);
      const images = new Uint8Array(8 * 64).map(() => rng.int(256));
      const data = { shape: [8, 8, 1], numClasses: 0 };
      const gan = new m.GanTrainable(m.resolveGanOptions(m.ganOptions.parse({ width: 4, latentSize: 8 }), data), data, rng);
      const [batch] = m.createBatcher({ name: 'noise', images, count: 8, height: 8, width: 8, channels: 1 }, { batchSize: 8 }).epoch(0);
      const losses = gan.trainStep({ images: m.batchTensors(batch).images }, rng);
      console.log(JSON.stringify({ backend: backend.name, parameters: gan.models().generator.countParams(),
        losses: Object.fromEntries(Object.entries(losses).map(([k, v]) => [k, v.dataSync()[0]])) }));
    });`;
    const { stdout, stderr } = await run(process.execPath, ['-e', script], { cwd: project, env: userEnv });
    const result = JSON.parse(stdout);
    assert.equal(result.backend, 'cpu');
    assert.ok(result.parameters > 0);
    // The default dcgan recipe's lazy R1 penalty runs on the first D step, reported apart from the adversarial loss.
    assert.deepEqual(Object.keys(result.losses).sort(), ['dAdversarial', 'dLoss', 'gLoss', 'r1']);
    for (const value of Object.values(result.losses)) assert.ok(Number.isFinite(value), stdout);
    assert.equal(stderr, '', 'a forced cpu backend runs without a warning');
  });

  it('`npx ganvae doctor` answers: cpu, and one line saying how to build the addon', async () => {
    const doctor = await run('npx', ['--no-install', 'ganvae', 'doctor'], { cwd: project, env: userEnv }).then(() => assert.fail('doctor exits 1 without the addon'),
      (err: { code: number; stdout: string; stderr: string }) => err);
    assert.equal(doctor.code, 1, doctor.stderr);
    assert.match(doctor.stdout, /^backend {8}cpu/m);
    assert.match(doctor.stdout, /^fashion-mnist /m);
    const lines = doctor.stderr.trim().split('\n');
    assert.equal(lines.length, 1, doctor.stderr);
    assert.match(lines[0], /pure-JS CPU backend.*not built: run `npx ganvae build-native` once/);
  });

  it('`ganvae build-native --configure-only` finds node-gyp, node-addon-api and the headers', async () => {
    const { stdout } = await run('npx', ['--no-install', 'ganvae', 'build-native', '--configure-only'], { cwd: project, env: userEnv });
    assert.match(stdout, /build-native: configured/);
    assert.ok(existsSync(join(project, 'node_modules', 'ganvae', 'native', 'build', 'Makefile')));
  });

  it("the .d.ts files type-check a user's TypeScript (Node and browser entries)", async () => {
    writeFileSync(join(project, 'user.ts'), `import { GanTrainable, initBackend, loadDataset, type GanOptions } from 'ganvae';
import * as browser from 'ganvae/browser';
const choice: { name: 'tensorflow' | 'native' | 'cpu' } = await initBackend('cpu');
const page: Promise<browser.BrowserBackendChoice> = browser.initBackend('cpu');
export const parts = [choice, page, GanTrainable, loadDataset, browser.buildGenerator] as const;
export type Options = GanOptions;
`);
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, skipLibCheck: true, module: 'nodenext', target: 'es2022', types: [] }, files: ['user.ts'],
    }));
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    await run(process.execPath, [tsc, '-p', '.'], { cwd: project })
      .catch((err: { stdout: string }) => assert.fail(`tsc: ${err.stdout}`));
  });
});

describe('the installed package in the browser', () => {
  it("a Vite page importing 'ganvae' samples a generator in Chromium, as Node does", async () => {
    const page = join(project, 'page');
    const refused: string[] = [];
    await build({ root: page, configFile: false, logLevel: 'warn', plugins: [refuseNodeOnly(refused)],
      build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 8192, minify: false, reportCompressedSize: false } });
    assert.deepEqual(refused, [], 'the browser bundle pulled in Node-only modules');

    const server = await preview({ root: page, configFile: false, logLevel: 'warn', preview: { host: '127.0.0.1', port: 0 }, build: { outDir: 'dist' } });
    const browser = await launchChromium();
    try {
      // The same generator and noise in Node (tfjs cpu).
      await initBackend('cpu');
      const arch = ganPreset('dcgan', [28, 28, 1], { width: 8 });
      const expected = tf.tidy(() => (buildGenerator(arch.generator, new Rng(1))
        .predict(latentNoise(4, arch.generator.latentSize, 'normal', new Rng(2))) as tf.Tensor).dataSync() as Float32Array);
      const scale = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      assert.ok(scale > 0);
      // The page's own choice (WebGL where Chromium has it), then tfjs's cpu backend, which must agree to float rounding.
      for (const [query, tolerance] of [['', 1e-2], ['?backend=cpu', 1e-5]] as const) {
        const tab = await browser.newPage();
        const problems = watchPage(tab);
        await tab.goto(server.resolvedUrls!.local[0] + query);
        await tab.waitForFunction(() => 'sampled' in window, undefined, { timeout: 60_000 });
        const sampled = await tab.evaluate(() => (window as unknown as { sampled: { backend?: string; shape?: number[]; values?: number[]; error?: string } }).sampled);
        await tab.screenshot({ path: join(ARTIFACTS, `package-page${query ? '-cpu' : ''}.png`) });
        assert.equal(sampled.error, undefined, sampled.error);
        assert.deepEqual(problems, []);
        assert.deepEqual(sampled.shape, [4, 28, 28, 1]);
        if (query) assert.equal(sampled.backend, 'cpu');
        assert.ok(['webgl', 'cpu'].includes(sampled.backend!), sampled.backend);
        const worst = sampled.values!.reduce((m, v, i) => Math.max(m, Math.abs(v - expected[i])), 0);
        assert.ok(worst <= tolerance * scale, `largest difference from Node's samples: ${worst}, ${worst / scale} of the largest value (${sampled.backend})`);
        await tab.close();
      }
    } finally {
      await browser.close();
      await new Promise((resolve) => server.httpServer.close(resolve));
    }
  });
});

/**
 * A Vite plugin that records every Node-only import of ganvae's files that the browser build does not map to a
 * browser module (package.json's "browser" field does for node:fs): Vite would stub those with an empty module.
 */
function refuseNodeOnly(refused: string[]): Plugin {
  return {
    name: 'refuse-node-only',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      // Only ganvae's own modules: tfjs's seedrandom has an optional require('crypto') that bundlers stub.
      if (!isNodeOnly(source) || !importer?.includes('/node_modules/ganvae/')) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      if (!resolved || resolved.external || resolved.id.includes('__vite-browser-external')) {
        refused.push(`${source} from ${importer.split('/node_modules/ganvae/').pop()}`);
      }
      return resolved;
    },
  };
}
