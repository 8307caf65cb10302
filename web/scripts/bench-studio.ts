// The studio's benchmark on this machine (not a test): images/s of W1 (DCGAN-28) and W2 (the default VAE) trained
// in Chromium by the studio page (`ganvae studio --bench`, ?bench=1) on SwiftShader WebGL and on WebGPU's SwiftShader
// adapter, next to Node's native backend (bench/ganvae-worker.ts, bundled as `npm run bench` runs it). Writes
// test-artifacts/web/studio-bench.json and prints a Markdown table. A browser mode still running after
// --mode-minutes is cut (software WebGPU's warm-up steps take minutes), keeping the workloads it finished; SIGINT or
// SIGTERM stops the run the same way, writing what was measured, and exits 130 / 143.
// Run: node --import tsx web/scripts/bench-studio.ts [--seconds 20] [--modes webgl,webgpu,native] [--mode-minutes 15]
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { errors, type Browser, type Page } from 'playwright-core';
import { bundleWorker, WORKER_BUNDLE } from '../../bench/worker-bundle.ts';
import { ARTIFACTS, launchChromium, studio } from '../../test/web/browser.ts';

const { values } = parseArgs({ options: {
  seconds: { type: 'string', default: '20' },
  modes: { type: 'string', default: 'webgl,webgpu,native' },
  'mode-minutes': { type: 'string', default: '15' },
} });
const seconds = Number(values.seconds);
const modeMinutes = Number(values['mode-minutes']);
const modes = values.modes.split(',');
const knownModes = ['webgl', 'webgpu', 'native'];
if (!(seconds > 0)) fail(`--seconds must be a positive number of seconds, got '${values.seconds}'`);
if (!(modeMinutes > 0)) fail(`--mode-minutes must be a positive number of minutes, got '${values['mode-minutes']}'`);
for (const mode of modes) if (!knownModes.includes(mode)) fail(`--modes: '${mode}' is not one of ${knownModes.join(', ')}`);
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

function fail(message: string): never {
  console.error(`bench-studio: ${message}`);
  process.exit(2);
}

// What a signal must stop: the browser or the native child now measuring.
let stoppedBy: NodeJS.Signals | null = null;
let browser: Browser | null = null;
let child: ChildProcess | null = null;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    stoppedBy = signal;
    child?.kill();
    void browser?.close();
  });
}

/** Node's native backend on `id`, at all cores, through the benchmark's own child. */
function native(id: string): Promise<{ steps: number; seconds: number }> {
  return new Promise((resolve, reject) => {
    child = spawn(process.execPath, [WORKER_BUNDLE, '--workload', id, '--backend', 'native', '--threads', String(cpus().length), '--seconds', String(seconds)],
      { cwd: root, env: { ...process.env, OMP_NUM_THREADS: String(cpus().length) } });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.on('close', (code) => {
      child = null;
      if (code === 0) resolve(JSON.parse(out.trim().split('\n').at(-1)!));
      else reject(new Error(`ganvae-worker exited ${code}`));
    });
  });
}

/** One workload the studio page measured (its #bench-json). */
interface PageResult {
  id: string;
  backend: string;
  imagesPerSec: number;
  steps: number;
}

/** The workloads `page` has finished: it writes #bench-json after each one. */
async function finished(page: Page): Promise<PageResult[]> {
  const text = await page.textContent('#bench-json');
  return text ? (JSON.parse(text) as { results: PageResult[] }).results : [];
}

const cut: string[] = [];
const served = await studio();
try {
  for (const mode of modes) {
    if (stoppedBy) break;
    if (mode === 'native') {
      for (const [id, batch] of [['W1', 64], ['W2', 128]] as const) {
        const m = await native(id);
        record({ workload: id, system: `Node native (${cpus().length} threads)`, imagesPerSec: (m.steps * batch) / m.seconds, steps: m.steps, load: load() });
      }
      continue;
    }
    browser = await launchChromium(mode === 'webgpu' ? ['--enable-unsafe-webgpu'] : []);
    try {
      const page = await browser.newPage();
      await page.goto(`${served.url}?bench=1&seconds=${seconds}&backend=${mode}`);
      // The page says what it measures; printed every half minute, since software rendering is slow.
      const ticker = setInterval(() => void page.textContent('#status').then((text) => console.error(`${mode}: ${text} (load ${load()})`), () => undefined), 30_000);
      let timedOut = false;
      try {
        await page.waitForFunction(() => document.body.dataset.bench === 'done' || document.body.dataset.state === 'error', undefined, { timeout: modeMinutes * 60_000 });
      } catch (err) {
        if (!(err instanceof errors.TimeoutError) || stoppedBy) throw err;
        timedOut = true;
      } finally {
        clearInterval(ticker);
      }
      if (await page.evaluate(() => document.body.dataset.state === 'error')) throw new Error(`${mode}: the studio page failed: ${await page.textContent('#status')}`);
      const results = await finished(page);
      for (const r of results) record({ workload: r.id, system: `Chromium ${r.backend} (SwiftShader, software)`, imagesPerSec: r.imagesPerSec, steps: r.steps, load: load() });
      if (timedOut) cut.push(`${mode}: cut at --mode-minutes ${modeMinutes} with ${results.length} of 2 workloads measured`);
    } finally {
      await browser.close();
      browser = null;
    }
  }
} catch (err) {
  // A signal closes the browser under the awaits above: their errors are the stop, not a failure.
  if (!stoppedBy) throw err;
} finally {
  await served.stop();
}
if (stoppedBy) cut.push(`stopped by ${stoppedBy} with ${rows.length} rows measured`);
for (const line of cut) console.error(`bench-studio: ${line}`);
mkdirSync(ARTIFACTS, { recursive: true });
writeFileSync(join(ARTIFACTS, 'studio-bench.json'), `${JSON.stringify({ cpu: cpus()[0].model, cores: cpus().length, seconds, rows, cut }, null, 2)}\n`);
console.log(`| workload | system | images/s | timed steps | load average |\n| --- | --- | ---: | ---: | --- |`);
for (const r of rows) console.log(`| ${r.workload} | ${r.system} | ${r.imagesPerSec.toFixed(1)} | ${r.steps} | ${r.load} |`);
if (stoppedBy) process.exit(stoppedBy === 'SIGINT' ? 130 : 143);
