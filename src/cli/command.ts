// The shape of a CLI subcommand and the error type that becomes a clean message and exit code.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, DataError, RunFolderError } from '../core/errors.ts';
import { RunLockedError } from '../training/run-lock.ts';

/** A subcommand: `run` receives the arguments after its name and resolves to an exit code. */
export interface Command {
  name: string;
  summary: string;
  run(argv: string[]): Promise<number>;
}

/**
 * An error meant for the user: printed as one line (GANVAE_DEBUG=1 adds its stack and its `cause`'s),
 * exits with `exitCode`. Pass `{ cause }` when it rewords another error.
 */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 2, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
  }
}

/**
 * The exit code of an error that ends a command: a CliError's own; 2 (bad input) for a run folder or
 * data that cannot be used as it is (RunFolderError, DataError); 1 for anything else (the job failed:
 * a backend that cannot start, a disk that filled up).
 */
export function exitCodeOf(err: unknown): number {
  if (err instanceof CliError) return err.exitCode;
  if (err instanceof RunFolderError || err instanceof DataError || err instanceof ConfigError || err instanceof RunLockedError) return 2;
  return 1;
}

/** The stack traces of `err` and of its chain of `cause`s, each cause introduced by "Caused by:" (for GANVAE_DEBUG=1). */
export function stackChain(err: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  for (let e = err; e !== undefined && e !== null && !seen.has(e) && parts.length < 10; e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    const text = e instanceof Error ? e.stack ?? `${e.name}: ${e.message}` : String(e);
    parts.push(parts.length ? `Caused by: ${text}` : text);
  }
  return parts.join('\n');
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
    throw new CliError((err as Error).message, 2, { cause: err });
  }
}

/**
 * Parses a numeric flag value, naming the flag when it is not a number in [min, max]. A value that
 * starts with "=" came from a one-letter flag written like `-n=5` (parseArgs reads that as -n with the
 * value "=5"); the message says so and shows how to write it.
 */
export function numberFlag(name: string, value: string | undefined, fallback: number, min = -Infinity, max = Infinity): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  const range = Number.isFinite(max)
    ? (Number.isFinite(min) ? `a number between ${min} and ${max}` : `a number of at most ${max}`)
    : (Number.isFinite(min) ? `a number of at least ${min}` : 'a finite number');
  if (value.startsWith('=') && name.length === 1) {
    const meant = value.slice(1);
    const fits = meant.trim() !== '' && Number(meant) >= min && Number(meant) <= max;
    const write = fits ? `write -${name} ${meant} or --${name}=${meant}` : `write -${name} N or --${name}=N, where N is ${range} ("${meant}" is not)`;
    throw new CliError(`-${name} got the value "${value}": a one-letter flag takes its value after a space, so -${name}=${meant} reads as "${value}"; ${write}`);
  }
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < min || parsed > max) {
    throw new CliError(`--${name} must be ${range}, got "${value}"`);
  }
  return parsed;
}
