// Runs tfjs-core's own Jasmine specs for the ops the native backend overrides, against `native`,
// as tfjs-backend-cpu's run_tests.ts does for `cpu`. Prints Jasmine's summary; exits 1 on failure.
// Usage: node --import tsx test/conformance/run-tfjs-specs.ts
import { createRequire } from 'node:module';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { initBackend } from '../../src/env/backend.ts';

/** tfjs-core spec files covering every kernel the native backend overrides (src/native/register.ts). */
export const SPECS = [
  'conv2d', 'conv2d_transpose', 'mat_mul', 'fused/fused_conv2d', 'fused/fused_mat_mul',
  'arithmetic', 'binary_ops', 'add', 'sub', 'greater', 'greater_equal', 'less', 'less_equal', 'equal', 'not_equal',
  'sum', 'mean', 'max', 'min', 'prod',
  'square', 'sqrt', 'rsqrt', 'exp', 'log', 'log1p', 'neg', 'abs', 'relu', 'relu6', 'leaky_relu', 'sigmoid', 'tanh',
  'step', 'elu', 'softplus', 'reciprocal', 'where', 'tile', 'batchnorm',
].map((name) => `ops/${name}_test.js`);

const require = createRequire(import.meta.url);
const coreDist = path.dirname(require.resolve('@tensorflow/tfjs-core/dist/index.js'));

await initBackend('native');
// tfjs-core ships its specs as ES modules with extensionless imports; esbuild bundles them (with the
// copy of tfjs-core they import, which shares the global engine and kernel registry with ours).
const entry = [
  `const { setTestEnvs } = require(${JSON.stringify(path.join(coreDist, 'jasmine_util.js'))});`,
  `setTestEnvs([{ name: 'native', backendName: 'native', flags: {}, isDataSync: true }]);`,
  ...SPECS.map((spec) => `require(${JSON.stringify(path.join(coreDist, spec))});`),
].join('\n');
// Inside node_modules so the bundle resolves jasmine-core from the project.
const dir = path.join(coreDist, '../../../.cache/ganvae-tfjs-specs');
mkdirSync(dir, { recursive: true });
const bundle = path.join(dir, 'specs.cjs');
await build({
  stdin: { contents: entry, resolveDir: coreDist, loader: 'js' },
  bundle: true, platform: 'node', format: 'cjs', outfile: bundle, logLevel: 'error',
  external: ['jasmine-core', 'node-fetch', '@tensorflow/tfjs-backend-cpu'],
});
writeFileSync(path.join(dir, 'package.json'), '{"type": "commonjs"}');

const Jasmine = require('jasmine');
const jasmine = new Jasmine({ projectBaseDir: dir });
jasmine.exitOnCompletion = false;
const result = await jasmine.execute([bundle]);
rmSync(dir, { recursive: true, force: true });
process.exitCode = result.overallStatus === 'passed' ? 0 : 1;
