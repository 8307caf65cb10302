// The VAE's latent space as a scatter plot: μ(x) of test images on two latent dimensions, coloured by
// class, with the uploaded image's μ marked on top.

/** Ten distinguishable class colours (Tableau 10). */
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

export interface ScatterData {
  /** μ rows [count, latentSize] flat. */
  mu: ArrayLike<number>;
  count: number;
  latentSize: number;
  labels: ArrayLike<number> | null;
}

/** Draws points (and `marker`, a code [latentSize], when given) projected on dimensions `dims` [2]. */
export function drawScatter(canvas: HTMLCanvasElement, data: ScatterData | null, dims: [number, number], marker: Float32Array | null): void {
  const size = 320;
  const margin = 28;
  canvas.width = canvas.height = size;
  const ctx = canvas.getContext('2d')!;
  ctx.clearRect(0, 0, size, size);
  const points: [number, number][] = [];
  for (let i = 0; i < (data?.count ?? 0); i++) points.push([data!.mu[i * data!.latentSize + dims[0]], data!.mu[i * data!.latentSize + dims[1]]]);
  if (marker) points.push([marker[dims[0]], marker[dims[1]]]);
  // The axes cover the points and at least the prior's ±3.
  const extent = Math.max(3, ...points.map(([x, y]) => Math.max(Math.abs(x), Math.abs(y)))) * 1.05;
  const px = (v: number) => margin + ((v + extent) / (2 * extent)) * (size - 2 * margin);
  const py = (v: number) => size - margin - ((v + extent) / (2 * extent)) * (size - 2 * margin);
  ctx.strokeStyle = '#ccc';
  ctx.beginPath();
  ctx.moveTo(px(-extent), py(0));
  ctx.lineTo(px(extent), py(0));
  ctx.moveTo(px(0), py(-extent));
  ctx.lineTo(px(0), py(extent));
  ctx.stroke();
  ctx.fillStyle = '#444';
  ctx.font = '12px sans-serif';
  ctx.fillText(`z[${dims[0]}] →`, size - margin - 50, size - 8);
  ctx.fillText(`z[${dims[1]}] ↑`, 4, 14);
  for (let i = 0; i < (data?.count ?? 0); i++) {
    ctx.fillStyle = PALETTE[(data!.labels?.[i] ?? 0) % PALETTE.length];
    ctx.globalAlpha = 0.6;
    ctx.fillRect(px(points[i][0]) - 1.5, py(points[i][1]) - 1.5, 3, 3);
  }
  ctx.globalAlpha = 1;
  canvas.dataset.points = String(data?.count ?? 0);
  if (marker) {
    const [x, y] = points[points.length - 1];
    ctx.beginPath();
    ctx.arc(px(x), py(y), 6, 0, 2 * Math.PI);
    ctx.fillStyle = '#000';
    ctx.fill();
    ctx.lineWidth = 2;
    ctx.strokeStyle = '#fff';
    ctx.stroke();
    canvas.dataset.marker = `${x.toFixed(4)},${y.toFixed(4)}`;
  }
}

/** A class colour legend as text spans. */
export function scatterLegend(classes: string[]): HTMLElement[] {
  return classes.slice(0, 30).map((name, i) => {
    const span = document.createElement('span');
    span.textContent = `■ ${name} `;
    span.style.color = PALETTE[i % PALETTE.length];
    return span;
  });
}
