// The studio's benchmark on this machine (not a test): images/s of W1 (DCGAN-28) and W2 (the default VAE) trained
// in Chromium by the studio page (`ganvae studio --bench`, ?bench=1) on SwiftShader WebGL and on WebGPU's SwiftShader
// adapter, next to Node's native backend (bench/ganvae-worker.ts, bundled as `npm run bench` runs it). Writes
// test-artifacts/web/studio-bench.json and prints a Markdown table.
// Run: node --import tsx web/scripts/bench-studio.ts [--seconds 20] [--modes webgl,webgpu,native]
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bundleWorker, WORKER_BUNDLE } from '../../bench/worker-bundle.ts';
import { ARTIFACTS, launchChromium, studio } from '../../test/web/browser.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '20' }, modes: { type: 'string', default: 'webgl,webgpu,native' } } });
const seconds = Number(values.seconds);
const modes = values.modes.split(',');
if (modes.includes('native')) await bundleWorker();
const root = join(import.meta.dirname, '..', '..');

interface Row {
  workload: string;
  system: string;
  imagesPerSec: number;
  steps: number;
  load: string;
}
const rows: Row[] = [];
/** Keeps `row` and prints it at once (a long run may be cut short). */
function record(row: Row): void {
  rows.push(row);
  console.error(`${row.workload} ${row.system}: ${row.imagesPerSec.toFixed(1)} images/s (${row.steps} steps, load ${row.load})`);
}
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

/** Node's native backend on `id`, at all cores, through the benchmark's own child. */
function native(id: string): Promise<{ steps: number; seconds: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER_BUNDLE, '--workload', id, '--backend', 'native', '--threads', String(cpus().length), '--seconds', String(seconds)],
      { cwd: root, env: { ...process.env, OMP_NUM_THREADS: String(cpus().length) } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!)) : reject(new Error(`ganvae-worker exited ${code}`))));
  });
}

const served = await studio();
try {
  for (const mode of modes) {
    if (mode === 'native') {
      for (const [id, batch] of [['W1', 64], ['W2', 128]] as const) {
        const m = await native(id);
        record({ workload: id, system: `Node native (${cpus().length} threads)`, imagesPerSec: (m.steps * batch) / m.seconds, steps: m.steps, load: load() });
      }
      continue;
    }
    const browser = await launchChromium(mode === 'webgpu' ? ['--enable-unsafe-webgpu'] : []);
    try {
      const page = await browser.newPage();
      await page.goto(`${served.url}?bench=1&seconds=${seconds}&backend=${mode}`);
      // The page says what it measures; printed every half minute, since software rendering is slow.
      const ticker = setInterval(() => void page.textContent('#status').then((text) => console.error(`${mode}: ${text} (load ${load()})`), () => undefined), 30_000);
      try {
        await page.waitForFunction(() => document.body.dataset.bench === 'done' || document.body.dataset.state === 'error', undefined, { timeout: 60 * 60_000 });
      } finally {
        clearInterval(ticker);
      }
      const result = JSON.parse((await page.textContent('#bench-json')) ?? '{}') as { results: { id: string; backend: string; imagesPerSec: number; steps: number }[] };
      for (const r of result.results) record({ workload: r.id, system: `Chromium ${r.backend} (SwiftShader, software)`, imagesPerSec: r.imagesPerSec, steps: r.steps, load: load() });
    } finally {
      await browser.close();
    }
  }
} finally {
  await served.stop();
}
mkdirSync(ARTIFACTS, { recursive: true });
writeFileSync(join(ARTIFACTS, 'studio-bench.json'), `${JSON.stringify({ cpu: cpus()[0].model, cores: cpus().length, seconds, rows }, null, 2)}\n`);
console.log(`| workload | system | images/s | timed steps | load average |\n| --- | --- | ---: | ---: | --- |`);
for (const r of rows) console.log(`| ${r.workload} | ${r.system} | ${r.imagesPerSec.toFixed(1)} | ${r.steps} | ${r.load} |`);
