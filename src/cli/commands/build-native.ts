// `ganvae build-native`: compiles the package's own oneDNN addon (native/) with node-gyp, once per machine.
// Works from the repository and from an installed package (`npx ganvae build-native`).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILT_ADDON_PATH } from '../../native/addon.ts';
import { CliError, type Command, parseFlags } from '../command.ts';

/** The package's native/ folder (binding.gyp, src/), from src/cli/commands/ or dist/cli/commands/. */
export const NATIVE_DIR = fileURLToPath(new URL('../../../native/', import.meta.url));

const help = `usage: ganvae build-native [--configure-only]

Compiles ganvae's oneDNN addon (${NATIVE_DIR}) with node-gyp into
native/build/Release/ganvae_native.node, with -march=native: run it once on the machine that trains.
Needs Debian's libdnnl-dev, g++, make and python3 (apt-get install libdnnl-dev g++ make python3).
node-gyp is npm's own (npx sets npm_config_node_gyp) or one installed beside ganvae; node-addon-api
is a dependency of ganvae; Node's headers come from this Node's installation when it has them.

  --configure-only   run node-gyp configure only: checks node-gyp, node-addon-api and the headers
                     in seconds, compiles nothing`;

/** node-gyp's CLI script: npm's (under npm/npx), one resolvable from ganvae, or the one bundled with the npm beside this node. */
export function findNodeGyp(): string | null {
  const candidates = [process.env.npm_config_node_gyp];
  try {
    candidates.push(createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // Not installed beside ganvae: npm's bundled copy below.
  }
  const prefix = dirname(dirname(process.execPath));
  candidates.push(join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  return candidates.find((c): c is string => Boolean(c) && existsSync(c!)) ?? null;
}

/** The --nodedir for node-gyp: this Node's own headers when installed (no download), unless npm config names one. */
function nodeDir(): string | null {
  if (process.env.npm_config_nodedir) return null;
  const prefix = dirname(dirname(process.execPath));
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? prefix : null;
}

export const command: Command = {
  name: 'build-native',
  summary: 'compile the oneDNN addon (the fast native backend) with node-gyp',
  async run(argv) {
    const { values } = parseFlags(argv, { 'configure-only': { type: 'boolean' } });
    if (values.help) {
      console.log(help);
      return 0;
    }
    if (!existsSync(join(NATIVE_DIR, 'binding.gyp'))) throw new CliError(`${NATIVE_DIR}binding.gyp is missing: this ganvae package is incomplete; reinstall it`, 1);
    // binding.gyp asks node for node-addon-api's include folder from native/; resolve it the same way first.
    try {
      createRequire(join(NATIVE_DIR, 'binding.gyp')).resolve('node-addon-api');
    } catch {
      throw new CliError(`node-addon-api cannot be found from ${NATIVE_DIR} (it is a dependency of ganvae): reinstall ganvae`, 1);
    }
    const nodeGyp = findNodeGyp();
    if (!nodeGyp) throw new CliError('node-gyp not found: run this through npx (`npx ganvae build-native`, npm bundles node-gyp) or `npm install -g node-gyp`', 1);
    const dir = nodeDir();
    // configure, then build: make recompiles only the sources changed since an earlier build.
    for (const step of values['configure-only'] ? ['configure'] : ['configure', 'build']) {
      const args = [nodeGyp, step, '--directory', NATIVE_DIR, ...(step === 'build' ? ['--jobs', 'max'] : []), ...(dir ? [`--nodedir=${dir}`] : [])];
      console.log(`build-native: node ${args.join(' ')}`);
      const run = spawnSync(process.execPath, args, { stdio: 'inherit' });
      if (run.status !== 0) {
        throw new CliError(`node-gyp ${step} failed (exit ${run.status ?? run.signal}); it needs libdnnl-dev, g++, make and python3 (apt-get install libdnnl-dev g++ make python3)`, 1);
      }
    }
    if (values['configure-only']) {
      console.log('build-native: configured; run `ganvae build-native` to compile');
      return 0;
    }
    if (!existsSync(BUILT_ADDON_PATH)) throw new CliError(`node-gyp succeeded but ${BUILT_ADDON_PATH} is missing`, 1);
    console.log(`build-native: built ${BUILT_ADDON_PATH}; \`ganvae doctor\` now reports the native backend`);
    return 0;
  },
};
