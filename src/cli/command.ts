// The shape of a CLI subcommand and the error type that becomes a clean message and exit code.
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A subcommand: `run` receives the arguments after its name and resolves to an exit code. */
export interface Command {
  name: string;
  summary: string;
  run(argv: string[]): Promise<number>;
}

/** An error meant for the user: printed without a stack trace, exits with `exitCode`. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = 'CliError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses `argv` with node:util parseArgs, turning its errors into CliErrors that name the flag.
 * `help` is the text printed for --help (the caller returns 0 when `values.help` is set).
 */
export function parseFlags<T extends Options>(argv: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true });
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}

/** Parses a numeric flag value, naming the flag when it is not a number in [min, max]. */
export function numberFlag(name: string, value: string | undefined, fallback: number, min = -Infinity, max = Infinity): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < min || parsed > max) {
    throw new CliError(`--${name} must be a number between ${min} and ${max}, got "${value}"`);
  }
  return parsed;
}
