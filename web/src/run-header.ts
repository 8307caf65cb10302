// The page header: which run, model and dataset the page shows, the backend running it, and the run's
// metrics from eval/metrics.json (the headline numbers; the report has the rest).
import type { ExplorerManifest } from '../../src/server/explorer-api.ts';

/**
 * Headline metrics to show, by path in eval/metrics.json, with their labels. FID, KID and IS are named
 * with the feature extractor that computed them (`{x}`, e.g. "fashion-mnist classifier v2"), as the HTML
 * report does: a classifier's numbers are not comparable with Inception's.
 */
const METRICS: [string, string][] = [
  ['evaluated.metrics.fid', 'FID ({x}) ↓'],
  ['evaluated.metrics.kid.mean', 'KID ({x}) ↓'],
  ['evaluated.metrics.inceptionScore.mean', 'IS ({x}) ↑'],
  ['evaluated.metrics.precision', 'precision ↑'],
  ['evaluated.metrics.recall', 'recall ↑'],
  ['evaluated.metrics.density', 'density'],
  ['evaluated.metrics.coverage', 'coverage ↑'],
  ['floor.metrics.fid', 'real-data floor FID ({x})'],
  ['vae.elbo.elbo', 'test ELBO (nats) ↑'],
  ['vae.iwae.nll', 'test NLL, IWAE (nats) ↓'],
  ['vae.reconstruction.mse', 'reconstruction MSE ↓'],
  ['vae.reconstruction.psnr', 'reconstruction PSNR (dB) ↑'],
  ['vae.reconstruction.ssim', 'reconstruction SSIM ↑'],
];

function at(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), value);
}

/** [label, formatted value] of each headline metric present in `metrics` (eval/metrics.json). */
export function metricRows(metrics: unknown): [string, string][] {
  const extractor = at(metrics, 'extractor');
  const named = typeof extractor === 'string' && extractor ? extractor : 'unnamed extractor';
  return METRICS.flatMap(([path, label]) => {
    const v = at(metrics, path);
    const text = label.replace('{x}', named);
    return typeof v === 'number' ? [[text, Math.abs(v) >= 100 ? v.toFixed(1) : String(Number(v.toPrecision(4)))] as [string, string]] : [];
  });
}

function describeModel(m: ExplorerManifest): string {
  const c = m.config;
  if (m.kind === 'gan') {
    const conditional = c.conditional && c.conditional !== 'none' ? `, ${c.conditional}` : '';
    return `GAN (${c.preset}, ${c.loss} loss${conditional}${c.ema ? ', EMA generator' : ''})`;
  }
  return `VAE (${c.preset}, ${c.likelihood} decoder${c.conditional ? ', conditional' : ''}${m.binarized ? ', trained on binarised images' : ''})`;
}

/** "the InfoGAN codes cat0 (10 categories), cont0 (in [-1, 1]) first, then z's " for runs with codes, else "". */
function infoCodes(m: ExplorerManifest): string {
  if (!m.latentCodes.length) return '';
  const codes = m.latentCodes.map((c) => `${c.name} (${c.kind === 'categorical' ? `${c.size} categories` : 'in [-1, 1]'})`);
  return `the InfoGAN codes ${codes.join(', ')} first, then z's `;
}

/** The prior in words: "normal prior", "uniform prior", or "VampPrior (K pseudo-inputs)". */
function priorName(m: ExplorerManifest): string {
  return m.prior === 'vamp' ? `VampPrior (${String(m.config.pseudoInputs)} pseudo-inputs)` : `${m.prior} prior`;
}

/** Fills the header elements. */
export function renderHeader(m: ExplorerManifest, backend: string): void {
  document.title = `ganvae explorer: ${m.name}`;
  document.getElementById('run-name')!.textContent = m.name;
  const [h, w, c] = m.dataset.shape;
  const rows: [string, string][] = [
    ['model', describeModel(m)],
    ['dataset', `${m.dataset.name}, ${h}×${w}×${c}, ${m.dataset.classes.length} classes`],
    ['latent', `${m.latentSize} dimensions, ${infoCodes(m)}${priorName(m)}${m.numClasses ? `, conditioned on ${m.numClasses} classes` : ''}`],
    ['weights', `${m.weightsFrom} (trained on ${m.trainedOn})`],
    ['running on', `tfjs ${backend} backend in this browser`],
  ];
  const info = document.getElementById('run-info')!;
  info.replaceChildren(...rows.flatMap(([k, v]) => {
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = v;
    if (k === 'running on') dd.id = 'backend';
    return [dt, dd];
  }));
  const metrics = document.getElementById('metrics')!;
  const found = metricRows(m.metrics);
  if (!found.length) {
    metrics.textContent = m.metrics ? 'eval/metrics.json has no headline metrics.' : `No metrics yet: run \`ganvae eval --run runs/${m.name}\`.`;
    return;
  }
  const table = document.createElement('table');
  table.id = 'metrics-table';
  for (const [label, value] of found) {
    const row = table.insertRow();
    row.insertCell().textContent = label;
    const cell = row.insertCell();
    cell.textContent = value;
    cell.className = 'number';
  }
  const extractor = at(m.metrics, 'extractor');
  if (typeof extractor === 'string' && !extractor.startsWith('Inception')) {
    const note = document.createElement('p');
    note.className = 'note';
    note.textContent = `Numbers from the ${extractor} extractor are not comparable with Inception FID/IS.`;
    metrics.replaceChildren(table, note);
  } else {
    metrics.replaceChildren(table);
  }
}
