// The explorer page: fetches the run `ganvae serve` describes, loads its models with tfjs and wires the
// panels (samples, sliders, interpolation, VAE upload and latent space). Built by `npm run build:web`.
import { MANIFEST_ROUTE, type ExplorerManifest, type TestLatents } from '../../src/server/explorer-api.ts';
import { codesSize } from '../../src/training/latent.ts';
import { chooseBackend } from './backend.ts';
import { ALL_SLIDERS_UP_TO, columnVariance, influence, RANKED_SLIDERS, topIndices } from './dimension-ranking.ts';
import { prepareImage } from './image-input.ts';
import { renderInterpolation } from './interpolation.ts';
import { renderLatentMap } from './latent-map.ts';
import { drawScatter, scatterLegend, type ScatterData } from './latent-scatter.ts';
import { createSliders, type Sliders } from './latent-sliders.ts';
import { latestOnly } from './latest-only.ts';
import { cellAt, drawImages, drawRaw } from './pixels.ts';
import { renderHeader } from './run-header.ts';
import { loadRunModel, type RunModel } from './run-model.ts';
import { codeAt, sampleCodes, type CodeBatch } from './sample-codes.ts';

/** Images in the sample grid (conditional runs cycling through classes show two per class). */
const SAMPLES = 16;

/** A latent code and the class it is drawn with. */
interface Selection {
  code: Float32Array;
  label: number;
}

function element<T extends HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

function showError(err: unknown): void {
  const status = element('status');
  status.textContent = `Error: ${err instanceof Error ? err.message : String(err)}`;
  status.className = 'error';
  document.body.dataset.state = 'error';
}

async function fetchJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}: ${(await response.text()).trim() || 'is `ganvae serve` still running?'}`);
  return response.json() as Promise<T>;
}

/** The page's state and the renders that follow each change. */
class Explorer {
  private seed = 0;
  private classChoice = -1;
  private batch!: CodeBatch;
  private layout!: ReturnType<typeof drawImages>;
  private previous!: Selection;
  private current!: Selection;
  private sliderCode!: Float32Array;
  private sliders!: Sliders;
  private scatter: ScatterData | null = null;
  private scatterDims: [number, number] = [0, 1];
  private uploaded: Float32Array | null = null;
  readonly renderSlider = latestOnly(() => this.drawSliderImage(), showError);
  readonly renderInterpolation = latestOnly(() => this.drawInterpolation(), showError);

  constructor(private readonly model: RunModel) {}

  private get manifest(): ExplorerManifest {
    return this.model.manifest;
  }

  private get chosenLabel(): number {
    return Math.max(0, this.classChoice);
  }

  async start(): Promise<void> {
    this.wireControls();
    await this.drawSamples();
    this.previous = this.selectionAt(0);
    this.current = this.selectionAt(1);
    if (this.manifest.kind === 'vae') await this.loadScatter();
    await this.buildSliders();
    this.showSelection();
    await Promise.all([this.drawSliderImage(), this.drawInterpolation()]);
    if (this.manifest.latentSize === 2) {
      element('latent-map-panel').hidden = false;
      await renderLatentMap(this.model, element('latent-map'), this.chosenLabel);
    }
  }

  private wireControls(): void {
    element('reroll').addEventListener('click', () => {
      this.seed++;
      this.drawSamples().catch(showError);
    });
    if (this.manifest.numClasses) {
      element('class-control').hidden = false;
      const select = element<HTMLSelectElement>('class-select');
      select.add(new Option('every class in turn', '-1'));
      this.manifest.dataset.classes.slice(0, this.manifest.numClasses).forEach((name, i) => select.add(new Option(`${i}: ${name}`, String(i))));
      select.addEventListener('change', () => {
        this.classChoice = Number(select.value);
        this.changeClass().catch(showError);
      });
    }
    const grid = element<HTMLCanvasElement>('sample-grid');
    grid.addEventListener('click', (event) => {
      const i = cellAt(grid, event, this.layout, this.batch.n);
      if (i !== null) this.select(this.selectionAt(i));
    });
    element('reset-sliders').addEventListener('click', () => this.select(this.current, false));
    element('interpolation-mode').addEventListener('change', () => this.renderInterpolation());
    element('interpolation-steps').addEventListener('change', () => this.renderInterpolation());
    if (this.manifest.kind === 'vae') this.wireUpload();
  }

  private wireUpload(): void {
    element('vae-panel').hidden = false;
    const input = element<HTMLInputElement>('image-input');
    input.addEventListener('change', () => {
      if (input.files?.[0]) this.upload(input.files[0]).catch(showError);
    });
    const zone = element('drop-zone');
    zone.addEventListener('dragover', (event) => {
      event.preventDefault();
      zone.classList.add('over');
    });
    zone.addEventListener('dragleave', () => zone.classList.remove('over'));
    zone.addEventListener('drop', (event) => {
      event.preventDefault();
      zone.classList.remove('over');
      const file = event.dataTransfer?.files[0];
      if (file) this.upload(file).catch(showError);
    });
  }

  private selectionAt(i: number): Selection {
    return { code: codeAt(this.batch, i), label: this.batch.labels?.[i] ?? 0 };
  }

  /** Makes `next` the explored code; `shift` keeps the old one as the interpolation's start. */
  private select(next: Selection, shift = true): void {
    if (shift) this.previous = this.current;
    this.current = next;
    this.showSelection();
    this.renderSlider();
    this.renderInterpolation();
  }

  private showSelection(): void {
    this.sliderCode = this.current.code.slice();
    this.sliders.show(this.sliderCode);
  }

  private async drawSamples(): Promise<void> {
    const m = this.manifest;
    const columns = m.numClasses && this.classChoice < 0 ? m.numClasses : Math.ceil(Math.sqrt(SAMPLES));
    const n = m.numClasses && this.classChoice < 0 ? 2 * m.numClasses : SAMPLES;
    this.batch = sampleCodes(this.model.latentSpace, m.numClasses, this.seed, n, this.classChoice);
    const images = await this.model.generate(this.batch.codes, this.batch.labels);
    this.layout = drawImages(element('sample-grid'), images, [n, ...this.model.imageShape], { range: this.model.range, columns }, Math.min(640, columns * 80));
    element('seed-label').textContent = `seed ${this.seed} (the same images as \`ganvae sample --seed ${this.seed} --n ${n}\`)`;
  }

  private async changeClass(): Promise<void> {
    await this.drawSamples();
    this.previous = { ...this.previous, label: this.chosenLabel };
    this.select({ ...this.current, label: this.chosenLabel }, false);
    if (this.manifest.latentSize === 2) await renderLatentMap(this.model, element('latent-map'), this.chosenLabel);
  }

  /** Chooses the slider dimensions of z (see dimension-ranking.ts) and builds the sliders, InfoGAN's codes first. */
  private async buildSliders(): Promise<void> {
    const codes = this.manifest.latentCodes;
    const start = codesSize(codes);
    const size = this.manifest.latentSize - start;
    let dims = Array.from({ length: size }, (_, i) => start + i);
    let note = `All ${size} latent dimensions.`;
    if (size > ALL_SLIDERS_UP_TO) {
      if (this.scatter) {
        dims = topIndices(columnVariance(this.scatter.mu, this.scatter.count, size), RANKED_SLIDERS);
        note = `The ${RANKED_SLIDERS} of ${size} dimensions whose μ(x) varies most over ${this.scatter.count} test images.`;
      } else {
        const scores = (await influence(this.model, this.current.code, this.current.label)).subarray(start);
        dims = topIndices(scores, RANKED_SLIDERS).map((i) => start + i);
        note = `The ${RANKED_SLIDERS} of ${size} dimensions that change the starting sample most when moved by ±1.`;
      }
    }
    if (codes.length) note = `The codes ${codes.map((c) => c.name).join(', ')}, then z: ${note[0].toLowerCase()}${note.slice(1)}`;
    element('slider-note').textContent = note;
    this.sliders = createSliders(element('sliders'), this.model.latentSpace, dims, () => this.renderSlider(), this.model.sliderRanges);
  }

  private async drawSliderImage(): Promise<void> {
    const images = await this.model.generate(this.sliderCode.slice(), this.manifest.numClasses ? Int32Array.of(this.current.label) : undefined);
    drawImages(element('slider-image'), images, [1, ...this.model.imageShape], { range: this.model.range, padding: 0 }, 192);
  }

  private async drawInterpolation(): Promise<void> {
    const steps = Math.round(Math.min(16, Math.max(2, Number(element<HTMLInputElement>('interpolation-steps').value) || 8)));
    const mode = element<HTMLSelectElement>('interpolation-mode').value === 'linear' ? 'linear' : 'slerp';
    await renderInterpolation(this.model, element('interpolation'), this.previous.code, this.current.code, this.current.label, steps, mode);
  }

  /** Fetches the encoded test images and picks the two dimensions the scatter shows. */
  private async loadScatter(): Promise<void> {
    const size = this.manifest.latentSize;
    const latents = await fetchJson<TestLatents>(this.manifest.testLatents!);
    const note = element('scatter-note');
    if (latents.available) {
      this.scatter = latents;
      if (size > 2) this.scatterDims = topIndices(columnVariance(latents.mu, latents.count, size), 2) as [number, number];
      note.replaceChildren(`μ(x) of ${latents.count} test images on ${size === 2 ? 'the 2-D latent' : `z[${this.scatterDims[0]}], z[${this.scatterDims[1]}], the two dimensions of largest variance`}. `,
        ...scatterLegend(this.manifest.dataset.classes));
    } else {
      note.textContent = `No test images to plot (${latents.reason}).`;
    }
    drawScatter(element('latent-scatter'), this.scatter, this.scatterDims, null);
  }

  private async upload(file: File): Promise<void> {
    const { image, values } = await prepareImage(file, this.model.imageShape);
    drawRaw(element('input-image'), image, 192);
    const mu = await this.model.encode!(values, this.chosenLabel);
    this.uploaded = mu;
    const reconstruction = await this.model.generate(mu, this.manifest.numClasses ? Int32Array.of(this.chosenLabel) : undefined);
    drawImages(element('reconstruction'), reconstruction, [1, ...this.model.imageShape], { range: this.model.range, padding: 0 }, 192);
    drawScatter(element('latent-scatter'), this.scatter, this.scatterDims, this.uploaded);
    // The uploaded image's code becomes the one the sliders and the interpolation explore.
    this.select({ code: mu, label: this.chosenLabel });
  }
}

async function main(): Promise<void> {
  const manifest = await fetchJson<ExplorerManifest>(MANIFEST_ROUTE);
  const backend = await chooseBackend(location.search);
  renderHeader(manifest, backend);
  const model = await loadRunModel(manifest);
  await new Explorer(model).start();
  element('status').textContent = '';
  document.body.dataset.state = 'ready';
}

main().catch(showError);
