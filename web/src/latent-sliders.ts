// One range input per InfoGAN code (named, first) and per chosen latent dimension of z; moving one edits the code
// shown, in place (a categorical code's slider picks its one-hot category).
import { codeOffsets, codesSize, type LatentSpace, writeCode } from '../../src/training/latent.ts';
import type { LatentCode } from '../../src/training/trainable.ts';

export interface Sliders {
  /** Shows `code`'s values [latentSize] on the sliders; later moves write into `code`. */
  show(code: Float32Array): void;
}

/** One slider: an InfoGAN code (starting at `offset` of the latent vector) or entry `dim` of the vector, in z. */
type Row = { code: LatentCode; offset: number } | { dim: number };

/** The value a slider shows for `row` of `code`: a categorical code's category, else the entry. */
function valueOf(row: Row, code: Float32Array): number {
  if ('dim' in row) return code[row.dim];
  if (row.code.kind === 'continuous') return code[row.offset];
  const block = code.subarray(row.offset, row.offset + row.code.size);
  return block.indexOf(Math.max(...block));
}

/**
 * Builds sliders in `container`: one per code of `space` (categorical: its categories 0..K−1; continuous: [−1, 1], the
 * range it is drawn from), then one per vector entry in `dims` (entries after the codes), named z[i] by their index in
 * z, over `ranges` (per entry of z: a learned prior's) or else ±3 for a normal prior (99.7% of its mass) or ±1 for a
 * uniform one. `onInput` runs after every move.
 */
export function createSliders(container: HTMLElement, space: LatentSpace, dims: number[], onInput: () => void,
  ranges?: { low: Float32Array; high: Float32Array }): Sliders {
  const codes = space.latentCodes ?? [];
  const start = codesSize(codes);
  const limit = space.prior === 'uniform' ? 1 : 3;
  const bounds = (dim: number): [number, number] => (ranges ? [ranges.low[dim - start], ranges.high[dim - start]] : [-limit, limit]);
  const offsets = codeOffsets(codes);
  let shown: Float32Array = new Float32Array(space.latentSize);
  container.replaceChildren();
  const rows = [...codes.map((code, j): Row => ({ code, offset: offsets[j] })), ...dims.map((dim): Row => ({ dim }))].map((row) => {
    const name = 'dim' in row ? `z[${row.dim - start}]` : row.code.name;
    const label = document.createElement('label');
    label.textContent = 'dim' in row || row.code.kind === 'continuous' ? name : `${name} (category)`;
    const input = document.createElement('input');
    const [min, max, step] = 'dim' in row ? [...bounds(row.dim), 0.01] : row.code.kind === 'categorical' ? [0, row.code.size - 1, 1] : [-1, 1, 0.01];
    Object.assign(input, { type: 'range', min: String(min), max: String(max), step: String(step) });
    if ('dim' in row) input.dataset.dim = String(row.dim);
    else input.dataset.code = row.code.name;
    label.htmlFor = input.id = `slider-${'dim' in row ? row.dim : row.code.name}`;
    const value = document.createElement('output');
    const format = (v: number) => ('dim' in row || row.code.kind === 'continuous' ? v.toFixed(2) : String(v));
    input.addEventListener('input', () => {
      const v = Number(input.value);
      value.textContent = format(v);
      if ('dim' in row) shown[row.dim] = v;
      else writeCode(shown, row.offset, row.code, v);
      onInput();
    });
    container.append(label, input, value);
    return { row, input, value, format };
  });
  return {
    show(code) {
      shown = code;
      for (const { row, input, value, format } of rows) {
        const v = valueOf(row, code);
        input.value = String(v);
        value.textContent = format(v);
      }
    },
  };
}
