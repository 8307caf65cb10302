// One range input per chosen latent dimension; moving one edits that coordinate of the current code.
import type { LatentPrior } from '../../src/training/trainable.ts';

export interface Sliders {
  /** Shows `code`'s values on the sliders. */
  show(code: Float32Array): void;
}

/**
 * Builds sliders for `dims` in `container`; `onInput(dim, value)` runs on every move. The range is
 * ±3 for a normal prior (99.7% of its mass), ±1 for a uniform one.
 */
export function createSliders(container: HTMLElement, dims: number[], prior: LatentPrior, onInput: (dim: number, value: number) => void): Sliders {
  const limit = prior === 'uniform' ? 1 : 3;
  container.replaceChildren();
  const rows = dims.map((dim) => {
    const label = document.createElement('label');
    label.textContent = `z[${dim}]`;
    const input = document.createElement('input');
    Object.assign(input, { type: 'range', min: String(-limit), max: String(limit), step: '0.01' });
    input.dataset.dim = String(dim);
    label.htmlFor = input.id = `slider-${dim}`;
    const value = document.createElement('output');
    input.addEventListener('input', () => {
      value.textContent = Number(input.value).toFixed(2);
      onInput(dim, Number(input.value));
    });
    container.append(label, input, value);
    return { dim, input, value };
  });
  return {
    show(code) {
      for (const row of rows) {
        row.input.value = String(code[row.dim]);
        row.value.textContent = code[row.dim].toFixed(2);
      }
    },
  };
}
