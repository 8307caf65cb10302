// The training options as a form built from the same zod schema `ganvae train <kind>` parses (the loop's options
// and the family's, runConfigSchema): every field with its description and default shown, left empty to take the
// default, so the studio has the CLI's options, defaults and validation. The data options come from the data panel.
import type { z } from 'zod';
import { flagName, flagsToConfig, runConfigSchema } from '../../../src/browser.ts';
import { KINDS, type KindName } from './session.ts';

/** Config keys the data panel sets (the images' source, side, channels, fit and background). */
export const DATA_KEYS = ['data', 'dataDir', 'imageSize', 'grey', 'fit', 'background'];
/** Config keys the browser cannot honour: --precision picks the native (oneDNN) backend's arithmetic. */
const NODE_ONLY_KEYS = ['precision'];
/** Options shown first; the rest sit under "more options". */
const FIRST = ['preset', 'loss', 'width', 'maxSteps', 'maxMinutes', 'batchSize', 'seed', 'sampleEvery', 'checkpointEvery', 'logEvery'];

/** A schema field seen through its default()/optional() wrappers: kind, enum values, default, description. */
function fieldInfo(field: z.ZodType): { kind: string; values?: string[]; fallback: string; description: string } {
  let inner = field;
  let fallback = '';
  for (;;) {
    const def = inner._zod.def as { type: string; innerType?: z.ZodType; defaultValue?: unknown };
    if (def.type === 'default') fallback = String(def.defaultValue);
    if (!def.innerType) break;
    inner = def.innerType;
  }
  const def = inner._zod.def as { type: string; entries?: Record<string, string> };
  const description = field.description ?? inner.description ?? '';
  return { kind: def.type, values: def.type === 'enum' ? Object.values(def.entries ?? {}) : undefined, fallback, description };
}

/** The option form of one model family. */
export class OptionsForm {
  private kind: KindName = 'gan';

  constructor(private readonly container: HTMLElement) {}

  /** The schema of the chosen family's whole run configuration. */
  private schema(): z.ZodObject {
    return runConfigSchema(KINDS[this.kind].options as z.ZodObject) as z.ZodObject;
  }

  /** Rebuilds the form for `kind`, keeping values typed in fields both families have. */
  show(kind: KindName): void {
    const previous = this.values();
    this.kind = kind;
    this.container.replaceChildren();
    const more = document.createElement('details');
    const moreFields = Object.assign(document.createElement('div'), { className: 'more-options' });
    more.append(Object.assign(document.createElement('summary'), { textContent: 'more options' }), moreFields);
    const shape = this.schema().shape as Record<string, z.ZodType>;
    const keys = Object.keys(shape).filter((k) => !DATA_KEYS.includes(k) && !NODE_ONLY_KEYS.includes(k));
    const ordered = [...FIRST.filter((k) => keys.includes(k)), ...keys.filter((k) => !FIRST.includes(k))];
    for (const key of ordered) {
      const info = fieldInfo(shape[key]);
      const label = document.createElement('label');
      label.className = 'option';
      label.title = info.description;
      const name = Object.assign(document.createElement('span'), { textContent: `--${flagName(key)}` });
      let input: HTMLInputElement | HTMLSelectElement;
      if (info.values || info.kind === 'boolean') {
        input = document.createElement('select');
        input.add(new Option(info.fallback ? `default (${info.fallback})` : 'default', ''));
        for (const value of info.values ?? ['true', 'false']) input.add(new Option(value, value));
      } else {
        input = Object.assign(document.createElement('input'), { type: 'text', placeholder: info.fallback ? `default ${info.fallback}` : 'default: the preset\'s' });
        input.inputMode = info.kind === 'number' ? 'decimal' : 'text';
      }
      input.name = key;
      input.dataset.option = key;
      if (previous[flagName(key)] !== undefined) input.value = previous[flagName(key)];
      const help = Object.assign(document.createElement('small'), { textContent: info.description });
      label.append(name, input, help);
      (FIRST.includes(key) ? this.container : moreFields).append(label);
    }
    this.container.append(more);
  }

  /** The fields that hold a value, by --flag name (strings, as a command line has them). */
  private values(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const input of this.container.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[data-option]')) {
      if (input.value.trim() !== '') out[flagName(input.dataset.option!)] = input.value.trim();
    }
    return out;
  }

  /** The config keys of the chosen family's whole run configuration. */
  keys(): Set<string> {
    return new Set(Object.keys(this.schema().shape));
  }

  /** Sets field `key` (a config key) to `value`, as a user would type it. */
  set(key: string, value: string): void {
    const input = this.container.querySelector<HTMLInputElement | HTMLSelectElement>(`[data-option="${key}"]`);
    if (!input) throw new Error(`no option ${key} for this model family`);
    input.value = value;
  }

  /** The chosen options as typed config entries (unset fields left out: they take the CLI's defaults); a ConfigError names the flag. */
  options(): Record<string, unknown> {
    return flagsToConfig(this.schema(), this.values());
  }
}
