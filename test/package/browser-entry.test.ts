// The browser entry (src/browser.ts) reaches no Node-only module: its runtime import graph (type-only imports
// dropped, as tsc emits it) has no node: builtin, sharp, tfjs-node or the native addon loader; and the Node
// entry offers every name the browser entry does.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { nodeOnlyImports } from './import-graph.ts';

const BROWSER_ENTRY = fileURLToPath(new URL('../../src/browser.ts', import.meta.url));
const found = nodeOnlyImports(BROWSER_ENTRY);

it('imports nothing Node-only from the browser entry', () => {
  const unexpected = found.map((f) => `${f.chain.join(' > ')}`);
  assert.deepEqual(unexpected, [], `the browser entry reaches Node-only modules:\n${unexpected.join('\n')}`);
});

it('the Node entry exports every name of the browser entry', async () => {
  const [node, browser] = await Promise.all([import('../../src/index.ts'), import('../../src/browser.ts')]);
  const missing = Object.keys(browser).filter((name) => !(name in node));
  // initBackend is the one name both entries define for themselves (Node: tensorflow/native/cpu; browser: webgpu/webgl/cpu).
  assert.deepEqual(missing.filter((name) => !['BROWSER_BACKENDS', 'webglAvailable', 'webgpuUnavailable'].includes(name)), []);
});
