// Signals arriving while native kernels run: oneDNN 2.6's jit sgemm moves the stack pointer into a heap buffer, so a
// handler run on a thread inside it corrupted the heap (an abort when a training run was sent SIGTERM). The addon
// holds asynchronous signals back from the threads that run kernels; this storm of SIGUSR2 aborted within 2 s before.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { nativeMissing } from '../helpers/backends.ts';

const CHILD = resolve(import.meta.dirname, 'fixtures/signal-storm.ts');

describe('native kernels under signals', { skip: nativeMissing }, () => {
  it('a storm of signals during GEMM-path weight gradients leaves the heap and the results intact', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.on('close', (code, signal) => res({ code, signal })));
    await new Promise<void>((res, rej) => {
      const poll = setInterval(() => {
        if (stdout.includes('ready')) { clearInterval(poll); res(); }
      }, 10);
      exited.then(() => { clearInterval(poll); rej(new Error(`the child ended before it was ready: ${stderr}`)); });
    });
    const storm = spawn('bash', ['-c', `while kill -USR2 ${child.pid} 2>/dev/null; do :; done`], { stdio: 'ignore' });
    await new Promise((res) => setTimeout(res, 3000));
    storm.kill('SIGKILL');
    child.stdin.end();
    const { code, signal } = await exited;
    assert.deepEqual([code, signal], [0, null], `the child ended with ${code ?? signal}: ${stderr.slice(-2000)}`);
    const { calls, same } = JSON.parse(stdout.trim().split('\n').pop()!);
    assert.ok(calls >= 2, `only ${calls} gradient calls ran under the storm`);
    assert.equal(same, true, 'a gradient computed under signals differed from the first');
  });
});
