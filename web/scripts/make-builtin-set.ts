// Makes the studio's built-in data set, web/public/studio-data/fashion-mnist-1000.{png,json}: the first 100
// training images of each Fashion-MNIST class (from the data ganvae loads: Debian's dataset-fashion-mnist),
// as one grey PNG sheet of 40 columns and the labels. Run: node --import tsx web/scripts/make-builtin-set.ts
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePng } from '../../src/data/image-codec.ts';
import { loadDataset } from '../../src/data/sources.ts';

const PER_CLASS = 100;
const COLUMNS = 40;
const out = join(import.meta.dirname, '..', 'public', 'studio-data', 'fashion-mnist-1000');

const { train } = await loadDataset('fashion-mnist', { cacheDir: false });
const side = train.height;
const classes = train.classNames!;
const picked: number[] = [];
const taken = new Array<number>(classes.length).fill(0);
for (let i = 0; i < train.count && picked.length < PER_CLASS * classes.length; i++) {
  const label = train.labels![i];
  if (taken[label] < PER_CLASS) {
    taken[label]++;
    picked.push(i);
  }
}
const rows = Math.ceil(picked.length / COLUMNS);
const sheet = new Uint8Array(rows * side * COLUMNS * side);
picked.forEach((index, i) => {
  const [top, left] = [Math.floor(i / COLUMNS) * side, (i % COLUMNS) * side];
  for (let y = 0; y < side; y++) {
    sheet.set(train.images.subarray((index * side + y) * side, (index * side + y + 1) * side), (top + y) * COLUMNS * side + left);
  }
});
writeFileSync(`${out}.png`, encodePng(sheet, COLUMNS * side, rows * side, 1));
writeFileSync(`${out}.json`, `${JSON.stringify({
  name: 'fashion-mnist', title: `Fashion-MNIST (the first ${PER_CLASS} training images of each class)`, classes, count: picked.length, side, columns: COLUMNS,
  labels: picked.map((i) => train.labels![i]),
})}\n`);
console.log(`wrote ${out}.png and .json: ${picked.length} images`);
