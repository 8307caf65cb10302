// The studio's built-in data set: 1,000 Fashion-MNIST training images (100 per class) shipped with the page as one
// grey PNG sheet and its labels (web/public/studio-data/, made by web/scripts/make-builtin-set.ts).
import type { StoredDataset } from './store.ts';

/** The sheet's description (fashion-mnist-1000.json). */
interface SheetInfo {
  name: string;
  title: string;
  classes: string[];
  count: number;
  side: number;
  columns: number;
  labels: number[];
}

const BASE = 'studio-data/fashion-mnist-1000';

/** Fetches and cuts the sheet into a dataset of 28x28 grey rows with labels. */
export async function loadBuiltinSet(): Promise<StoredDataset> {
  const [infoResponse, sheetResponse] = await Promise.all([fetch(`${BASE}.json`), fetch(`${BASE}.png`)]);
  if (!infoResponse.ok || !sheetResponse.ok) throw new Error(`the built-in data set is missing from this site (${BASE}.json/.png: HTTP ${infoResponse.status}/${sheetResponse.status})`);
  const info = await infoResponse.json() as SheetInfo;
  const bitmap = await createImageBitmap(await sheetResponse.blob(), { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const rgba = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  const { side, columns, count } = info;
  const images = new Uint8Array(count * side * side);
  for (let i = 0; i < count; i++) {
    const [top, left] = [Math.floor(i / columns) * side, (i % columns) * side];
    for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) images[(i * side + y) * side + x] = rgba[((top + y) * canvas.width + left + x) * 4];
  }
  return {
    name: info.name, images, labels: Uint8Array.from(info.labels), count, height: side, width: side, channels: 1, classNames: info.classes,
    summary: `${info.title}: ${count} images, ${info.classes.length} classes, all to train on`,
  };
}
