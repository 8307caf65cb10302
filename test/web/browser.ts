// Helpers of the browser tests: tiny trained runs, `ganvae serve` and `ganvae studio` as child processes, and Debian's
// Chromium driven by playwright-core (never a downloaded browser).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { trainRun } from '../../src/runs/train-run.ts';

/** Debian's Chromium, installed by `npm run setup`. */
export const CHROMIUM = '/usr/bin/chromium';
/** Where screenshots of each tested state are kept (gitignored). */
export const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts', 'web');
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'ganvae.js');

/** Launches headless Chromium (with `extraArgs`); fails (never skips) with the fix when it is not installed. */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the browser tests drive Debian's Chromium; run \`npm run setup\` (it installs the chromium package)`);
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless=new', ...extraArgs] });
}

/** What went wrong on a page: console errors, uncaught exceptions, failed or 4xx/5xx requests. */
export function watchPage(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  return problems;
}

/** Trains a run in-process with the real trainer (`ganvae train`'s trainRun); returns its folder. */
export async function trainTinyRun(family: 'gan' | 'vae', runDir: string, flags: Record<string, unknown>): Promise<string> {
  await trainRun({ family, outDir: runDir, flags, dataCache: false });
  return runDir;
}

/** A running `ganvae serve` child: its URL, output, and a stop that sends Ctrl-C and resolves to the exit code. */
export interface Served {
  url: string;
  output: () => string;
  stop: () => Promise<number | null>;
}

/** Starts `ganvae serve RUN --port 0 ...args` and resolves once it prints its URL (rejects if it exits first). */
export function serve(runDir: string, args: string[] = [], env: Record<string, string> = {}): Promise<Served> {
  return startServer(['serve', runDir, '--port', '0', ...args], env);
}

/** Starts `ganvae studio --port 0 ...args` and resolves once it prints its URL. */
export function studio(args: string[] = [], env: Record<string, string> = {}): Promise<Served> {
  return startServer(['studio', '--port', '0', ...args], env);
}

/** Starts `ganvae ...args` (a server command) and resolves once it prints its URL (rejects if it exits first). */
function startServer(args: string[], env: Record<string, string>): Promise<Served> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /(http:\/\/\S+\/)/.exec(output)?.[1];
      if (url) {
        resolve({
          url, output: () => output,
          stop: async () => {
            child.kill('SIGINT');
            return exited;
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => reject(new Error(`ganvae ${args[0]} exited with ${code} before printing its URL:\n${output}`)));
  });
}
