// The studio page: choose images (files, a folder, a drop, or the built-in set), see them as the model will,
// choose a model family and its `ganvae train` options, and train in this tab with the library's own loop; pause,
// resume, stop, checkpoints in IndexedDB (offered again after a reload), export as a run folder zip, import of a
// CLI run. `?backend=webgpu|webgl|cpu` forces a backend; `?bench=1` measures images/s instead (`ganvae studio --bench`).
import * as tf from '@tensorflow/tfjs-core';
import {
  BROWSER_BACKENDS, formatDuration, imageGrid, initBackend, parseBackground,
  type BrowserBackendName, type FitOptions, type StepLoopResult,
} from '../../../src/browser.ts';
import { drawRaw } from '../pixels.ts';
import { benchWorkload } from './bench.ts';
import { loadBuiltinSet } from './builtin-set.ts';
import { chosenFiles, prepareImages, type ChosenFile, type SkippedFile } from './image-files.ts';
import { drawLossChart } from './loss-chart.ts';
import { DATA_KEYS, OptionsForm } from './options-form.ts';
import { runFromEntries, type StudioRun } from './run-archive.ts';
import { Session, type KindName } from './session.ts';
import { clearSaved, loadSaved, type StoredDataset } from './store.ts';
import { readZip, type ZipEntry } from './zip.ts';

function element<T extends HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Shows `text` as the page's status line (`error` marks it as a failure). */
function status(text: string, error = false): void {
  const line = element('status');
  line.textContent = text;
  line.className = error ? 'error' : '';
}

/** The page's state: which data, which session, what the buttons may do. */
class Studio {
  private dataset: StoredDataset | null = null;
  private session: Session | null = null;
  private imported: StudioRun | null = null;
  private readonly form = new OptionsForm(element('options'));

  constructor(private readonly backend: string) {}

  private setState(state: 'idle' | 'training' | 'paused' | 'stopped' | 'error'): void {
    document.body.dataset.state = state;
    const training = state === 'training' || state === 'paused';
    element<HTMLButtonElement>('start').disabled = training || (!this.dataset && !this.imported);
    element<HTMLButtonElement>('pause').disabled = state !== 'training';
    element<HTMLButtonElement>('resume').disabled = state !== 'paused';
    element<HTMLButtonElement>('stop').disabled = !training;
    element<HTMLButtonElement>('export').disabled = !this.session?.run.checkpoint || state === 'training';
    element<HTMLButtonElement>('draw-samples').disabled = !this.session;
    for (const id of ['files', 'folder', 'builtin', 'import', 'import-folder', 'family', 'resume-saved']) element<HTMLInputElement>(id).disabled = training;
  }

  async start(): Promise<void> {
    this.form.show('gan');
    this.wire();
    this.setState('idle');
    await this.offerSaved();
    status('Choose images to train on, or the built-in set.');
  }

  private wire(): void {
    const onFiles = (input: HTMLInputElement) => input.addEventListener('change', () => {
      if (input.files) this.useFiles(chosenFiles(input.files)).catch((err) => status(message(err), true));
      input.value = '';
    });
    onFiles(element('files'));
    onFiles(element('folder'));
    element('builtin').addEventListener('click', () => this.useBuiltin().catch((err) => status(message(err), true)));
    const zone = element('drop-zone');
    zone.addEventListener('dragover', (event) => {
      event.preventDefault();
      zone.classList.add('over');
    });
    zone.addEventListener('dragleave', () => zone.classList.remove('over'));
    zone.addEventListener('drop', (event) => {
      event.preventDefault();
      zone.classList.remove('over');
      dropped(event.dataTransfer!).then((files) => this.useFiles(files)).catch((err) => status(message(err), true));
    });
    element<HTMLSelectElement>('family').addEventListener('change', (event) => this.form.show((event.target as HTMLSelectElement).value as KindName));
    element('start').addEventListener('click', () => this.train().catch((err) => this.failed(err)));
    element('pause').addEventListener('click', () => {
      this.session?.control.pause();
      status('Pausing after this step (and saving a checkpoint)…');
    });
    element('resume').addEventListener('click', () => {
      this.session?.control.resume();
      this.setState('training');
      status('Training.');
    });
    element('stop').addEventListener('click', () => {
      this.session?.control.stop();
      status('Stopping after this step (and saving a checkpoint)…');
    });
    element('export').addEventListener('click', () => this.exportRun());
    element<HTMLInputElement>('import').addEventListener('change', (event) => {
      const input = event.target as HTMLInputElement;
      const file = input.files?.[0];
      if (file) this.importZip(file).catch((err) => status(message(err), true));
      input.value = '';
    });
    element<HTMLInputElement>('import-folder').addEventListener('change', (event) => {
      const input = event.target as HTMLInputElement;
      if (input.files) this.importFolder(input.files).catch((err) => status(message(err), true));
      input.value = '';
    });
    element('draw-samples').addEventListener('click', () => this.drawSeedSamples().catch((err) => status(message(err), true)));
    element('resume-saved').addEventListener('click', () => this.resumeSaved().catch((err) => this.failed(err)));
    element('discard-saved').addEventListener('click', () => {
      clearSaved().then(() => {
        element('saved-panel').hidden = true;
        status('The saved run is discarded.');
      }).catch((err) => status(message(err), true));
    });
  }

  /** The data panel's fit options, checked as the CLI checks --image-size and --background. */
  private rowOptions(): FitOptions {
    const size = Number(element<HTMLInputElement>('image-size').value);
    if (!Number.isInteger(size) || size < 4 || size > 512) throw new Error(`the image size must be a whole number from 4 to 512, got "${element<HTMLInputElement>('image-size').value}"`);
    return {
      size, channels: element<HTMLSelectElement>('channels').value === '1' ? 1 : 3,
      fit: element<HTMLSelectElement>('fit').value === 'pad' ? 'pad' : 'crop',
      background: parseBackground(element<HTMLInputElement>('background').value),
    };
  }

  /** The config keys the data panel sets for `ganvae train` (the folder source's options). */
  private dataOptions(): Record<string, unknown> {
    const dataset = this.dataset!;
    if (dataset.name === 'fashion-mnist') return { data: 'fashion-mnist' };
    const row = this.rowOptions();
    const options: Record<string, unknown> = { data: dataset.name, imageSize: row.size, grey: row.channels === 1 };
    const formKeys = this.form.keys();
    if (formKeys.has('fit')) options.fit = row.fit;
    if (formKeys.has('background')) options.background = element<HTMLInputElement>('background').value.trim();
    return Object.fromEntries(Object.entries(options).filter(([key]) => DATA_KEYS.includes(key)));
  }

  private async useFiles(files: ChosenFile[]): Promise<void> {
    status(`Reading ${files.length} file(s)…`);
    this.showSkipped([]);
    let prepared;
    try {
      prepared = await prepareImages(files, this.rowOptions(), (done, total) => {
        if (done % 16 === 0) status(`Reading the images: ${done} of ${total}…`);
      });
    } catch (err) {
      this.showSkipped((err as { skipped?: SkippedFile[] }).skipped ?? []);
      document.body.dataset.data = 'none';
      throw err;
    }
    this.showSkipped(prepared.skipped);
    this.useDataset(prepared.train);
    status(prepared.skipped.length ? `Ready; ${prepared.skipped.length} file(s) were skipped (listed below).` : 'Ready to train.');
  }

  private async useBuiltin(): Promise<void> {
    status('Loading the built-in set…');
    this.showSkipped([]);
    this.useDataset(await loadBuiltinSet());
    status('Ready to train.');
  }

  /** Shows the chosen images as the model sees them (the first 64 rows) and enables training. */
  private useDataset(dataset: StoredDataset): void {
    this.dataset = dataset;
    element('data-summary').textContent = `${dataset.summary}; each ${dataset.height}x${dataset.width}, ${dataset.channels === 1 ? 'grey' : 'RGB'}.`;
    const n = Math.min(64, dataset.count);
    const rowSize = dataset.height * dataset.width * dataset.channels;
    const grid = imageGrid({ data: dataset.images.subarray(0, n * rowSize), shape: [n, dataset.height, dataset.width, dataset.channels] }, { columns: 16 });
    drawRaw(element('data-grid'), grid, Math.min(960, grid.width * 3));
    document.body.dataset.data = 'ready';
    this.setState('idle');
  }

  private showSkipped(skipped: SkippedFile[]): void {
    element('skipped-panel').hidden = skipped.length === 0;
    (element('skipped-panel') as HTMLDetailsElement).open = skipped.length > 0 && skipped.length <= 20;
    element('skipped-title').textContent = `${skipped.length} file(s) skipped`;
    element('skipped').replaceChildren(...skipped.map((s) => Object.assign(document.createElement('li'), { textContent: `${s.path}: ${s.reason}` })));
  }

  /** A new run (or the imported one) on the chosen images. */
  private async train(): Promise<void> {
    if (this.imported) return this.continueImported();
    if (!this.dataset) throw new Error('choose images first');
    const kind = element<HTMLSelectElement>('family').value as KindName;
    this.session?.dispose();
    this.session = null;
    this.session = await Session.create(kind, { ...this.form.options(), ...this.dataOptions() }, this.dataset, this.backend);
    await this.run();
  }

  /** Trains the current session to its end, showing progress, grids, losses and checkpoints. */
  private async run(): Promise<void> {
    const session = this.session!;
    const rows = session.run.metrics;
    drawLossChart(element('losses'), rows);
    this.setState('training');
    status(`Training on ${this.backend}.`);
    element('checkpoint-info').textContent = session.run.checkpoint ? `continuing from the checkpoint at step ${session.run.checkpoint.step}` : '';
    let result: StepLoopResult;
    try {
      result = await session.train({
        metrics: (row) => {
          drawLossChart(element('losses'), rows);
          element('last-metrics').textContent = JSON.stringify(row);
        },
        grid: (grid, name, step) => {
          drawRaw(element('samples'), grid, Math.min(480, grid.width * 4));
          element('grid-name').textContent = `${name}, step ${step}`;
        },
        progress: (report) => {
          element('progress').textContent = `step ${report.step}/${report.totalSteps} · epoch ${report.epoch}/${report.epochs} · ` +
            `${report.imagesPerSec.toFixed(1)} images/s · ETA ${formatDuration(report.etaSec)}`;
          element('progress').dataset.step = String(report.step);
          const tensors = element('tensors');
          tensors.textContent = String(tf.memory().numTensors);
          // Tensors alive at each logged step, for a leak check: steady from the first window on.
          tensors.dataset.history = `${tensors.dataset.history ? `${tensors.dataset.history},` : ''}${report.step}:${tf.memory().numTensors}`;
        },
        checkpoint: (step) => {
          element('checkpoint-info').textContent = `checkpoint at step ${step} saved in this browser (IndexedDB)`;
          element('checkpoint-info').dataset.step = String(step);
        },
        paused: (step) => {
          this.setState('paused');
          status(`Paused at step ${step}; the checkpoint is saved.`);
        },
      }, this.backend);
    } catch (err) {
      this.failed(err);
      return;
    }
    element('tensors').textContent = String(tf.memory().numTensors);
    const ended = { completed: 'all epochs done', 'max-steps': 'the step budget is done', 'max-minutes': 'the time budget is done', interrupted: 'stopped', diverged: '' }[result.reason];
    if (result.reason === 'diverged') {
      const d = result.divergence!;
      status(`Training diverged between steps ${d.fromStep} and ${d.toStep} (${d.what ?? 'a loss'} became NaN or infinite); ` +
        `${result.checkpointStep ? `the checkpoint of step ${result.checkpointStep} is kept` : 'no checkpoint was written'}. Try a lower learning rate.`, true);
    } else {
      status(`Finished at step ${result.step}: ${ended}. ${(result.imagesPerSec).toFixed(1)} images/s.`);
    }
    document.body.dataset.result = result.reason;
    this.setState(result.reason === 'diverged' ? 'error' : 'stopped');
  }

  /** A training that threw (the backend ran out of memory, lost its context): the message, and the last checkpoint kept. */
  private failed(err: unknown): void {
    const checkpoint = this.session?.run.checkpoint;
    const oom = /memory|allocat|context lost|CONTEXT_LOST/i.test(message(err));
    status(`${oom ? 'The backend ran out of memory or lost its GPU context' : 'Training failed'}: ${message(err)}. ` +
      `${checkpoint ? `The checkpoint of step ${checkpoint.step} is kept (in this browser; Export saves it as a run).` : 'No checkpoint had been written.'}` +
      `${oom ? ' Try a smaller batch size, smaller images or the cpu backend (?backend=cpu).' : ''}`, true);
    this.setState('error');
    if (checkpoint) element<HTMLButtonElement>('export').disabled = false;
  }

  private exportRun(): void {
    const session = this.session!;
    const name = `studio-${session.run.info.kind}-${session.run.info.createdAt.replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}`;
    const zip = session.exportZip(name);
    const link = Object.assign(document.createElement('a'), { href: URL.createObjectURL(new Blob([zip as BlobPart], { type: 'application/zip' })), download: `${name}.zip` });
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
    status(`Exported ${name}.zip: unzip it (\`unzip ${name}.zip\`) and use the folder with ganvae sample, eval, report, serve or train --resume.`);
  }

  /** Draws the 16 images `ganvae sample --seed S --n 16` draws from the session's models. */
  private async drawSeedSamples(): Promise<void> {
    const session = this.session!;
    const seed = Number(element<HTMLInputElement>('sample-seed').value);
    const n = 16;
    const { images } = await session.sampleAtSeed(n, seed);
    const [h, w, c] = session.run.info.dataset.shape;
    const grid = imageGrid({ data: images, shape: [n, h, w, c] }, { range: '[-1,1]', columns: session.numClasses || Math.ceil(Math.sqrt(n)) });
    drawRaw(element('seed-samples'), grid, grid.width * 4);
  }

  /** Offers the run saved in IndexedDB (after a reload). */
  private async offerSaved(): Promise<void> {
    let saved;
    try {
      saved = await loadSaved();
    } catch (err) {
      element('saved-panel').hidden = false;
      element('saved-info').textContent = `The saved run cannot be read: ${message(err)}`;
      return;
    }
    if (!saved?.run.checkpoint) return;
    element('saved-panel').hidden = false;
    const { info, checkpoint } = saved.run;
    element('saved-info').textContent = `A ${info.kind.toUpperCase()} run (${String(info.config.preset)}) on ${saved.dataset.summary}, saved at step ${checkpoint.step}.`;
    element('saved-info').dataset.step = String(checkpoint.step);
  }

  private async resumeSaved(): Promise<void> {
    const saved = await loadSaved();
    if (!saved) throw new Error('the saved run is gone');
    this.session?.dispose();
    this.session = await Session.resume(saved.run, saved.dataset);
    this.useDataset(saved.dataset);
    element('saved-panel').hidden = true;
    element<HTMLSelectElement>('family').value = saved.run.info.kind;
    await this.run();
  }

  private async importZip(file: File): Promise<void> {
    this.useImported(runFromEntries(await readZip(new Uint8Array(await file.arrayBuffer()), file.name), file.name));
  }

  private async importFolder(files: FileList): Promise<void> {
    const entries: ZipEntry[] = [];
    for (const file of files) entries.push({ path: file.webkitRelativePath || file.name, data: new Uint8Array(await file.arrayBuffer()) });
    this.useImported(runFromEntries(entries, 'the chosen folder'));
  }

  private useImported(run: StudioRun): void {
    this.imported = run;
    element<HTMLSelectElement>('family').value = run.info.kind;
    this.form.show(run.info.kind as KindName);
    const [h, w, c] = run.info.dataset.shape;
    status(`Imported a ${run.info.kind.toUpperCase()} run at step ${run.checkpoint!.step} (${h}x${w}x${c} images of ${run.info.dataset.name}). ` +
      `${run.info.dataset.name === 'fashion-mnist' ? 'It continues on the built-in Fashion-MNIST set unless you choose other images' : 'Choose its images (same size and colour)'}, ` +
      'set a budget in the form if you like (--max-steps, --max-minutes), then Train.');
    this.setState('idle');
  }

  /** Continues the imported run on the chosen images (the built-in set for a Fashion-MNIST run when none were chosen). */
  private async continueImported(): Promise<void> {
    const run = this.imported!;
    if (!this.dataset && run.info.dataset.name === 'fashion-mnist') this.useDataset(await loadBuiltinSet());
    if (!this.dataset) throw new Error('choose the images to continue the run on');
    const options = this.form.options();
    const budget = Object.fromEntries(Object.entries(options).filter(([key]) => ['maxSteps', 'maxMinutes', 'epochs', 'logEvery', 'checkpointEvery', 'checkpointMinutes', 'sampleEvery', 'sampleCount'].includes(key)));
    this.session?.dispose();
    this.session = await Session.resume(run, this.dataset, budget, true);
    this.imported = null;
    await this.run();
  }
}

/** The files of a drop, folders walked (webkitGetAsEntry), with their paths. */
async function dropped(transfer: DataTransfer): Promise<ChosenFile[]> {
  const out: ChosenFile[] = [];
  const walk = async (entry: FileSystemEntry, path: string): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
      out.push({ file, path });
      return;
    }
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
      if (batch.length === 0) break;
      for (const child of batch) await walk(child, `${path}/${child.name}`);
    }
  };
  const entries = [...transfer.items].map((item) => item.webkitGetAsEntry()).filter((e): e is FileSystemEntry => e !== null);
  if (entries.length === 0) return chosenFiles(transfer.files);
  for (const entry of entries) await walk(entry, entry.name);
  return out;
}

/** Starts the backend the URL forces, else the fastest that starts, and says which runs and why others did not. */
async function startBackend(search: string): Promise<string> {
  const forced = new URLSearchParams(search).get('backend');
  if (forced !== null && !(BROWSER_BACKENDS as readonly string[]).includes(forced)) throw new Error(`?backend=${forced} is not one of ${BROWSER_BACKENDS.join(', ')}`);
  const choice = await initBackend((forced ?? undefined) as BrowserBackendName | undefined);
  element('backend').textContent = choice.name;
  document.body.dataset.backend = choice.name;
  element('backend-note').textContent = choice.skipped.length ? `Not used: ${choice.skipped.join('; ')}.` : '';
  return choice.name;
}

/** ?bench=1: measures W1 and W2 on this tab's backend for ?seconds= (default 20) each. */
async function bench(backend: string, search: string): Promise<void> {
  element('bench-panel').hidden = false;
  const seconds = Number(new URLSearchParams(search).get('seconds') ?? 20);
  const results = [];
  for (const id of ['W1', 'W2'] as const) {
    status(`Benchmark: ${id} on ${backend} for ${seconds} s…`);
    const r = await benchWorkload(id, seconds, (text) => status(`Benchmark: ${id} on ${backend}: ${text}…`));
    results.push(r);
    const row = document.createElement('tr');
    for (const cell of [`${r.id} ${r.title}`, r.backend, String(r.batch), String(r.steps), r.imagesPerSec.toFixed(1)]) row.append(Object.assign(document.createElement('td'), { textContent: cell }));
    element('bench-table').querySelector('tbody')!.append(row);
    // After each workload, so that a run cut short still hands over what it measured.
    element('bench-json').textContent = JSON.stringify({ userAgent: navigator.userAgent, results });
  }
  document.body.dataset.bench = 'done';
  status('Benchmark done.');
}

async function main(): Promise<void> {
  let backend: string;
  try {
    backend = await startBackend(location.search);
  } catch (err) {
    status(`No backend could start: ${message(err)}`, true);
    document.body.dataset.state = 'error';
    return;
  }
  if (new URLSearchParams(location.search).get('bench')) return bench(backend, location.search);
  await new Studio(backend).start();
}

main().catch((err) => {
  status(message(err), true);
  document.body.dataset.state = 'error';
});
