// `ganvae serve`'s HTTP server: real requests on an ephemeral port against a temporary run folder and page,
// covering every rule — GET/HEAD only, no bodies, no path leaving the folders (.., encoded dots,
// backslashes, NUL, absolute paths, outbound symlinks), unknown routes 404, content types.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { ExplorerManifest } from '../../src/server/explorer-api.ts';
import { createExplorerServer } from '../../src/server/explorer-server.ts';
import { safeSegments } from '../../src/server/static-files.ts';
import { tempFolder } from '../training/fixtures.ts';

const temp = tempFolder('ganvae-serve-test-');
const runDir = join(temp.dir, 'run');
const webDir = join(temp.dir, 'dist');
const manifest = { name: 'run', kind: 'gan', latentSize: 3 } as ExplorerManifest;
const server = createExplorerServer({ runDir, webDir, manifest: () => manifest });
let port = 0;

before(async () => {
  mkdirSync(join(runDir, 'model', 'generator'), { recursive: true });
  mkdirSync(join(runDir, 'samples'));
  mkdirSync(join(webDir, 'assets'), { recursive: true });
  mkdirSync(join(temp.dir, 'outside'));
  writeFileSync(join(runDir, 'run.json'), '{"kind":"gan"}');
  writeFileSync(join(runDir, 'model', 'generator', 'weights.bin'), Buffer.from([1, 2, 3, 4]));
  writeFileSync(join(runDir, 'samples', 'grid.png'), 'png');
  writeFileSync(join(runDir, 'metrics.jsonl'), '{}\n');
  writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>page</title>');
  writeFileSync(join(webDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(webDir, 'assets', 'app.css'), 'body{}');
  writeFileSync(join(temp.dir, 'secret.txt'), 'secret');
  writeFileSync(join(temp.dir, 'outside', 'secret.txt'), 'secret');
  symlinkSync(join(temp.dir, 'secret.txt'), join(runDir, 'link-out.txt'));
  symlinkSync(join(temp.dir, 'outside'), join(runDir, 'dir-out'));
  symlinkSync('run.json', join(runDir, 'link-in.json'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
after(() => {
  server.close();
  temp.remove();
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends one request with `path` exactly as written (no client-side normalisation). */
function send(method: string, path: string, options: { body?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('ganvae serve: the HTTP server', () => {
  it('serves the page, its assets and the run folder with the right content types', async () => {
    const cases: [string, string, string][] = [
      ['/', 'text/html; charset=utf-8', '<!doctype html><title>page</title>'],
      ['/index.html', 'text/html; charset=utf-8', '<!doctype html><title>page</title>'],
      ['/assets/app.js', 'text/javascript; charset=utf-8', 'console.log(1)'],
      ['/assets/app.css', 'text/css; charset=utf-8', 'body{}'],
      ['/run/run.json', 'application/json; charset=utf-8', '{"kind":"gan"}'],
      ['/run/run.json?cache=1', 'application/json; charset=utf-8', '{"kind":"gan"}'],
      ['/run/metrics.jsonl', 'application/x-ndjson; charset=utf-8', '{}\n'],
      ['/run/samples/grid.png', 'image/png', 'png'],
      ['/run/model/generator/weights.bin', 'application/octet-stream', '\u0001\u0002\u0003\u0004'],
      ['/run/link-in.json', 'application/json; charset=utf-8', '{"kind":"gan"}'],
      ['/api/explorer.json', 'application/json; charset=utf-8', JSON.stringify(manifest)],
    ];
    for (const [path, type, body] of cases) {
      const answer = await send('GET', path);
      assert.equal(answer.status, 200, path);
      assert.equal(answer.headers['content-type'], type, path);
      assert.equal(answer.headers['x-content-type-options'], 'nosniff', path);
      assert.equal(answer.body, body, path);
    }
  });

  it('answers HEAD with the headers only', async () => {
    const answer = await send('HEAD', '/run/run.json');
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['content-length'], '14');
    assert.equal(answer.body, '');
  });

  it('404s every path that could leave the folders, and unknown routes', async () => {
    const paths = [
      '/run/../secret.txt', '/run/model/../../secret.txt', '/assets/../index.html', '/assets/../../secret.txt',
      '/run/%2e%2e/secret.txt', '/run/%2E%2E/secret.txt', '/run/.%2e/secret.txt', '/run/model/..%2f..%2fsecret.txt', '/run/%2e%2e%2fsecret.txt',
      '/run/..\\secret.txt', '/run/model\\..\\..\\secret.txt', '/run/..%5csecret.txt', '/run/run.json%00', '/run/run.json%00.png',
      '/run//etc/passwd', '/run/%2fetc%2fpasswd', '/run/%2Fetc/passwd', '/run/./run.json', '/run/%zz',
      '/run/link-out.txt', '/run/dir-out/secret.txt',
      '/run/model', '/run/model/', '/run/', '/run', '/assets/', '/etc/passwd', '/secret.txt', '/nope', '/run/missing.json',
      '/api/test-latents.json', '/api/other.json', '/index.htm', 'http://127.0.0.1/run/run.json', '*',
    ];
    for (const path of paths) {
      const answer = await send('GET', path);
      assert.equal(answer.status, 404, path);
      assert.ok(!answer.body.includes('secret'), path);
    }
  });

  it('allows only GET and HEAD', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const answer = await send(method, '/run/run.json');
      assert.equal(answer.status, 405, method);
      assert.equal(answer.headers.allow, 'GET, HEAD', method);
    }
  });

  it('refuses request bodies: 413 with a length, 400 chunked', async () => {
    assert.equal((await send('GET', '/run/run.json', { body: 'hello', headers: { 'Content-Length': '5' } })).status, 413);
    assert.equal((await send('GET', '/', { body: 'hello', headers: { 'Transfer-Encoding': 'chunked' } })).status, 400);
    assert.equal((await send('GET', '/', { headers: { 'Content-Length': '0' } })).status, 200, 'an empty body is no body');
    assert.equal((await send('GET', '/run/run.json')).status, 200, 'the server still answers afterwards');
  });

  it('splits URL paths into safe segments only', () => {
    const cases: [string, string[] | null][] = [
      ['model/generator/model.json', ['model', 'generator', 'model.json']],
      ['a%20b.png', ['a b.png']],
      ['', null], ['..', null], ['a/../b', null], ['%2e%2e', null], ['.', null], ['a//b', null], ['/abs', null],
      ['a%2fb', null], ['a%5cb', null], ['a\\b', null], ['a%00', null], ['%E0%A4%A', null],
    ];
    for (const [raw, expected] of cases) assert.deepEqual(safeSegments(raw), expected, raw);
  });
});
