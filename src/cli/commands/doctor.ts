// `ganvae doctor`: which backend runs, on how many threads, which oneDNN ISA, which datasets exist
// (every registered source with an installed copy).
import { initBackend } from '../../env/backend.ts';
import { loadAddon } from '../../native/addon.ts';
import { DEFAULT_SOURCE, dataSources } from '../../data/sources/index.ts';
import { type Command, parseFlags } from '../command.ts';

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
    const problems: string[] = [];
    if (backend.name === 'cpu' && addonError) {
      problems.push(`the native oneDNN backend is unavailable (${addonError}); build it once with \`npx ganvae build-native\` (needs Debian's libdnnl-dev; in a checkout, \`npm run setup\` does it)`);
    }
    const installed = dataSources().flatMap((source) => (source.installed ? [{ source, copy: source.installed() }] : []));
    for (const { source, copy } of installed) {
      if (source.name === DEFAULT_SOURCE && !copy.found) problems.push(`${source.title} not found in ${copy.where}; ${copy.install}`);
    }
    const report = {
      backend: backend.name,
      threads: backend.native?.threads ?? 1,
      onednn: backend.native?.onednn ?? null,
      isa: backend.native?.isa ?? null,
      bf16: backend.native?.bf16 ?? null,
      datasets: Object.fromEntries(installed.map(({ source, copy }) => [source.name, copy.found ? copy.where : null])),
      problems,
    };
    if (values.json) {
      console.log(JSON.stringify(report, null, 2));
    } else {
      console.log(`backend        ${report.backend}${backend.skipped.length ? `  (skipped: ${backend.skipped.join('; ')})` : ''}`);
      console.log(`threads        ${report.threads}`);
      console.log(`oneDNN         ${report.onednn ?? '-'}${report.isa ? `  (ISA ${report.isa})` : ''}`);
      if (report.bf16) console.log(`bf16           ${report.bf16 === 'native' ? 'native on this CPU' : report.bf16 === 'emulated' ? 'emulated (slower than fp32)' : 'unsupported'}`);
      for (const [name, where] of Object.entries(report.datasets)) console.log(`${name.padEnd(14)} ${where ?? 'missing'}`);
      for (const p of problems) console.log(`problem: ${p}`);
    }
    return problems.length ? 1 : 0;
  },
};
