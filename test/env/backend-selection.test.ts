// Backend selection: the native backend when its addon loads, the cpu backend with one warning when
// it does not, and GANVAE_BACKEND forcing either (checked through `ganvae doctor` in a child process).
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { nativeMissing } from '../helpers/backends.ts';

const cli = fileURLToPath(new URL('../../bin/ganvae.js', import.meta.url));

function doctor(env: Record<string, string>) {
  const run = spawnSync(process.execPath, [cli, 'doctor', '--json'], {
    encoding: 'utf8', timeout: 120_000, env: { ...process.env, GANVAE_BACKEND: '', ...env },
  });
  return { status: run.status, stderr: run.stderr, report: run.stdout ? JSON.parse(run.stdout) : undefined };
}

it('picks the native backend when the addon loads', { skip: nativeMissing }, () => {
  const { status, report } = doctor({});
  assert.equal(status, 0);
  assert.equal(report.backend, 'native');
  assert.match(report.onednn, /^\d+\.\d+\.\d+$/);
  assert.ok(report.threads >= 1);
});

it('falls back to cpu with one warning and advice when the addon cannot load', () => {
  const { status, stderr, report } = doctor({ GANVAE_NATIVE_ADDON: '/nonexistent/ganvae_native.node' });
  assert.equal(report.backend, 'cpu');
  assert.equal(stderr.match(/pure-JS CPU backend/g)?.length, 1, stderr);
  assert.equal(status, 1, 'doctor reports the missing fast path as a problem');
  assert.ok(report.problems.some((p: string) => /npx ganvae build-native/.test(p)));
});

it('GANVAE_BACKEND=cpu forces the cpu backend without a warning', () => {
  const { stderr, report } = doctor({ GANVAE_BACKEND: 'cpu' });
  assert.equal(report.backend, 'cpu');
  assert.doesNotMatch(stderr, /pure-JS CPU backend/);
});

it('GANVAE_BACKEND naming an unavailable or unknown backend fails with a clear message', () => {
  const unavailable = spawnSync(process.execPath, [cli, 'doctor'], {
    encoding: 'utf8', env: { ...process.env, GANVAE_BACKEND: 'native', GANVAE_NATIVE_ADDON: '/nonexistent/x.node' } });
  assert.notEqual(unavailable.status, 0);
  assert.match(unavailable.stderr, /^ganvae doctor: GANVAE_BACKEND \/ --backend asked for "native", but the oneDNN addon did not load/);
  assert.doesNotMatch(unavailable.stderr, /\n\s+at /, 'no stack trace');
  const unknown = spawnSync(process.execPath, [cli, 'doctor'], { encoding: 'utf8', env: { ...process.env, GANVAE_BACKEND: 'gpu' } });
  assert.notEqual(unknown.status, 0);
  assert.match(unknown.stderr, /GANVAE_BACKEND="gpu" is not a backend; use one of tensorflow, native, cpu/);
});

it('lets OpenMP threads sleep between parallel regions unless the user chose a wait policy', { skip: nativeMissing }, () => {
  const addonModule = fileURLToPath(new URL('../../src/native/addon.ts', import.meta.url));
  const policy = (value: string | undefined) => {
    const env: Record<string, string | undefined> = { ...process.env, OMP_WAIT_POLICY: value };
    if (value === undefined) delete env.OMP_WAIT_POLICY;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e',
      `const { loadAddon } = await import(${JSON.stringify(addonModule)}); if (!loadAddon().addon) process.exit(3); console.log(process.env.OMP_WAIT_POLICY);`],
    { encoding: 'utf8', env: env as Record<string, string> });
    assert.equal(run.status, 0, run.stderr);
    return run.stdout.trim();
  };
  assert.equal(policy(undefined), 'PASSIVE');
  assert.equal(policy('ACTIVE'), 'ACTIVE');
});
