// `ganvae doctor`: which backend runs, on how many threads, which oneDNN ISA, which datasets exist.
import { existsSync } from 'node:fs';
import { initBackend } from '../../env/backend.ts';
import { loadAddon } from '../../native/addon.ts';
import { type Command, parseFlags } from '../command.ts';

const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

const help = `usage: ganvae doctor [--json]

Reports the tfjs backend in use, its thread count, oneDNN's version and ISA, and the datasets
found. Exits non-zero with advice when the fast native backend or the default dataset is missing.`;

export const command: Command = {
  name: 'doctor',
  summary: 'check the backend, native addon and datasets',
  async run(argv) {
    const { values } = parseFlags(argv, { json: { type: 'boolean' } });
    if (values.help) {
      console.log(help);
      return 0;
    }
    const backend = await initBackend();
    const { error: addonError } = loadAddon();
    const fashion = existsSync(`${FASHION_MNIST_DIR}/train-images-idx3-ubyte.gz`);
    const problems: string[] = [];
    if (backend.name === 'cpu' && addonError) {
      problems.push(`the native oneDNN backend is unavailable (${addonError}); run \`npm run setup\``);
    }
    if (!fashion) problems.push(`Fashion-MNIST not found in ${FASHION_MNIST_DIR}; run \`apt-get install dataset-fashion-mnist\` (or \`npm run setup\`)`);
    const report = {
      backend: backend.name,
      threads: backend.native?.threads ?? 1,
      onednn: backend.native?.onednn ?? null,
      isa: backend.native?.isa ?? null,
      datasets: { 'fashion-mnist': fashion ? FASHION_MNIST_DIR : null },
      problems,
    };
    if (values.json) {
      console.log(JSON.stringify(report, null, 2));
    } else {
      console.log(`backend        ${report.backend}${backend.skipped.length ? `  (skipped: ${backend.skipped.join('; ')})` : ''}`);
      console.log(`threads        ${report.threads}`);
      console.log(`oneDNN         ${report.onednn ?? '-'}${report.isa ? `  (ISA ${report.isa})` : ''}`);
      console.log(`fashion-mnist  ${report.datasets['fashion-mnist'] ?? 'missing'}`);
      for (const p of problems) console.log(`problem: ${p}`);
    }
    return problems.length ? 1 : 0;
  },
};
