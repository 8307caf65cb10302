// `--config file.json`: a JSON object of training options, read from disk (Node only; the options schema
// in config.ts is shared with the browser).
import { readFileSync } from 'node:fs';
import { ConfigError } from '../core/errors.ts';

/** Reads a JSON config file (a plain object of option keys). */
export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read --config ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`--config ${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(`--config ${path} must hold a JSON object of options`);
  return value as Record<string, unknown>;
}
