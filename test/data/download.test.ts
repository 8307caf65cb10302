// Downloads, only ever against a local HTTP server on 127.0.0.1: checked files land atomically;
// a wrong checksum, a dropped connection, a 404 or a stalled server each fail with a clear message,
// leave no partial file, and make the CLI exit non-zero without a stack trace.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { command } from '../../src/cli/commands/data.ts';
import { CliError } from '../../src/cli/command.ts';
import { downloadFiles, extractArchive } from '../../src/data/download.ts';
import { cifar10 } from '../../src/data/sources/cifar10.ts';
import { loadDataset } from '../../src/data/sources.ts';
import { put, randomBytesSeeded, tempFolder, writeCifarSet } from './fixtures.ts';
import { DataError } from '../../src/core/errors.ts';

const temp = tempFolder();
const files: Record<string, Uint8Array> = {
  'train-images-idx3-ubyte.gz': randomBytesSeeded(50_000, 1),
  'train-labels-idx1-ubyte.gz': randomBytesSeeded(3_000, 2),
};
const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');
const requests: string[] = [];
let server: Server;
let base: string;

/** Routes: /good/NAME serves a fixture, /drop/NAME closes half-way, /stall/NAME stops sending, /missing/NAME is a 404. */
before(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const [, mode, name] = (req.url ?? '').split('/');
    const body = files[name];
    if (!body || mode === 'missing') {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-length': body.length });
    if (mode === 'good') res.end(body);
    else if (mode === 'drop') res.write(body.subarray(0, body.length >> 1), () => res.socket?.destroy());
    else res.write(body.subarray(0, 100)); // stall
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
  temp.remove();
});

let folders = 0;
const freshDir = () => join(temp.dir, `dl-${folders++}`);
const spec = (mode: string) => ({ baseUrl: `${base}/${mode}`, files: Object.entries(files).map(([name, bytes]) => ({ name, md5: md5(bytes) })) });

describe('downloadFiles', () => {
  it('writes each checked file and skips it the second time', async () => {
    const dir = freshDir();
    const progress: string[] = [];
    await downloadFiles(spec('good'), { dir, onProgress: (m) => progress.push(m) });
    for (const [name, bytes] of Object.entries(files)) assert.deepEqual(new Uint8Array(readFileSync(join(dir, name))), bytes);
    assert.deepEqual(readdirSync(dir).sort(), Object.keys(files).sort());
    assert.match(progress[0], /train-images-idx3-ubyte\.gz: 0\.1 MB, MD5 ok/);
    const before = requests.length;
    await downloadFiles(spec('good'), { dir, onProgress: (m) => progress.push(m) });
    assert.equal(requests.length, before, 'nothing fetched again');
    assert.match(progress.at(-1)!, /already present, MD5 ok/);
  });

  const failures: [string, string, RegExp][] = [
    ['a dropped connection', 'drop', /download of http:\/\/127\.0\.0\.1:\d+\/drop\/train-images-idx3-ubyte\.gz failed.*25000 of 50000 bytes/],
    ['a missing file', 'missing', /failed: HTTP 404/],
  ];
  for (const [name, mode, pattern] of failures) {
    it(`fails cleanly on ${name}, leaving no partial file`, async () => {
      const dir = freshDir();
      await assert.rejects(downloadFiles(spec(mode), { dir }), (err: Error) => err instanceof DataError && pattern.test(err.message));
      assert.deepEqual(readdirSync(dir), []);
    });
  }

  it('gives up on a server that stops sending', async () => {
    const dir = freshDir();
    await assert.rejects(downloadFiles(spec('stall'), { dir, idleTimeoutMs: 300 }), /failed after 100 of 50000 bytes: no data for 0\.3 s/);
    assert.deepEqual(readdirSync(dir), []);
  });
});

describe('ganvae data download', () => {
  it('rejects files whose MD5 differs from the published one: exit 1, message, nothing kept', async () => {
    const dir = freshDir();
    await assert.rejects(command.run(['download', 'mnist', '--dir', dir, '--base-url', `${base}/good`]), (err: Error) => {
      assert.ok(err instanceof CliError);
      assert.equal(err.exitCode, 1);
      assert.match(err.message, /train-images-idx3-ubyte\.gz: MD5 [0-9a-f]{32} does not match the published f68b3c2dcbeaaa9fbdd348bbdeb94873; the file was not kept/);
      return true;
    });
    assert.deepEqual(readdirSync(dir), []);
  });

  it('exits non-zero with one clean line and no stack trace (child process)', async () => {
    const dir = freshDir();
    const run = promisify(execFile)(process.execPath, ['bin/ganvae.js', 'data', 'download', 'fashion-mnist', '--dir', dir, '--base-url', `${base}/drop`]);
    const failure = await run.then(() => null, (err: { code: number; stderr: string }) => err);
    assert.ok(failure, 'the command must fail');
    assert.equal(failure.code, 1);
    assert.match(failure.stderr, /^ganvae data: download of .*\/drop\/train-images-idx3-ubyte\.gz failed/);
    assert.doesNotMatch(failure.stderr, /\n\s+at /);
    assert.deepEqual(readdirSync(dir), []);
  });

  it('checks its arguments', async () => {
    await assert.rejects(command.run(['download', 'imagenet', '--dir', 'x']), /download needs a dataset name: fashion-mnist, mnist, cifar10\b.* \(got "imagenet"\)/);
    await assert.rejects(command.run(['download', 'mnist']), /download needs --dir/);
    await assert.rejects(command.run(['download', 'mnist', '--dir', 'x', '--base-url', 'ftp://x']), /--base-url must be an http\(s\) URL/);
  });
});

describe('extractArchive', () => {
  it('unpacks the batches from the authors\' tar.gz layout into a loadable folder', async () => {
    const source = freshDir();
    writeCifarSet(join(source, 'cifar-10-batches-bin'), 2);
    put(join(source, 'cifar-10-batches-bin', 'readme.html'), '<p>not extracted</p>');
    const archive = join(source, 'cifar-10-binary.tar.gz');
    await promisify(execFile)('tar', ['-czf', archive, '-C', source, 'cifar-10-batches-bin']);
    const dir = freshDir();
    put(join(dir, '.keep'), '');
    extractArchive(archive, dir, cifar10);
    assert.ok(existsSync(join(dir, 'data_batch_5.bin')) && !existsSync(join(dir, 'readme.html')));
    const { train, test } = await loadDataset('cifar10', { dataDir: dir, cacheDir: false });
    assert.deepEqual([train.count, test.count], [10, 2]);
    assert.deepEqual(readFileSync(join(dir, 'test_batch.bin')), readFileSync(join(source, 'cifar-10-batches-bin', 'test_batch.bin')));
  });

  it('names a truncated archive', async () => {
    const dir = freshDir();
    const archive = put(join(dir, 'cut.tar.gz'), randomBytesSeeded(100, 3));
    assert.throws(() => extractArchive(archive, dir, cifar10), /cut\.tar\.gz: not a readable CIFAR-10 archive/);
  });
});
