// The rules of every ganvae local server (`ganvae serve`'s explorer server and `ganvae studio`'s), checked on real
// servers on ephemeral loopback ports: 403 for a Host header that is not the server (DNS rebinding), no CORS headers,
// GET/HEAD only, no path out of the served folders, no symlinks out; the --host warning.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { request, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { ExplorerManifest } from '../../src/server/explorer-api.ts';
import { createExplorerServer } from '../../src/server/explorer-server.ts';
import { exposureWarning, hostAllowed } from '../../src/server/local-http.ts';
import { createStudioServer } from '../../src/server/studio-server.ts';
import { tempFolder } from '../training/fixtures.ts';

const temp = tempFolder('ganvae-local-security-test-');
const runDir = join(temp.dir, 'run');
const webDir = join(temp.dir, 'dist');
const servers: Record<string, { server: Server; port: number; ok: string }> = {};

before(async () => {
  mkdirSync(runDir);
  mkdirSync(join(webDir, 'assets'), { recursive: true });
  mkdirSync(join(webDir, 'studio-data'));
  writeFileSync(join(runDir, 'run.json'), '{"kind":"gan"}');
  writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>explorer</title>');
  writeFileSync(join(webDir, 'studio.html'), '<!doctype html><title>studio</title>');
  writeFileSync(join(webDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(webDir, 'studio-data', 'set.bin'), Buffer.from([1, 2, 3]));
  writeFileSync(join(temp.dir, 'secret.txt'), 'secret');
  symlinkSync(join(temp.dir, 'secret.txt'), join(webDir, 'link-out.txt'));
  symlinkSync(join(temp.dir, 'secret.txt'), join(runDir, 'link-out.txt'));
  const made = {
    explorer: { server: createExplorerServer({ runDir, webDir, manifest: () => ({ name: 'run' }) as ExplorerManifest }), ok: '/run/run.json' },
    studio: { server: createStudioServer({ webDir }), ok: '/studio-data/set.bin' },
  };
  for (const [name, { server, ok }] of Object.entries(made)) {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers[name] = { server, ok, port: (server.address() as AddressInfo).port };
  }
});
after(() => {
  for (const { server } of Object.values(servers)) server.close();
  temp.remove();
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(port: number, method: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A raw HTTP/1.0 request without any Host header; resolves to the status line. */
function sendWithoutHost(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`GET ${path} HTTP/1.0\r\n\r\n`));
    let data = '';
    socket.on('data', (chunk) => { data += chunk; });
    socket.on('end', () => resolve(data.split('\r\n')[0]));
    socket.on('error', reject);
  });
}

describe('local servers: serve and studio', () => {
  for (const name of ['explorer', 'studio']) {
    it(`${name}: answers only requests addressed to it (403 for a rebinding attacker's Host)`, async () => {
      const { port, ok } = servers[name];
      const cases: [string, number][] = [
        [`127.0.0.1:${port}`, 200], [`localhost:${port}`, 200], [`LOCALHOST:${port}`, 200], [`[::1]:${port}`, 200],
        ['evil.example', 403], [`evil.example:${port}`, 403], [`127.0.0.1.evil.example:${port}`, 403], [`localhost.evil.example:${port}`, 403],
        [`127.0.0.1:${port + 1}`, 403], ['127.0.0.1', 403], [`localhost:${port}@evil.example`, 403], [`10.0.0.1:${port}`, 403],
      ];
      for (const [host, status] of cases) {
        const answer = await send(port, 'GET', ok, { Host: host });
        assert.equal(answer.status, status, `Host: ${host}`);
        if (status === 403) assert.ok(!answer.body.includes('secret') && !answer.body.includes('gan'), host);
      }
      assert.match(await sendWithoutHost(port, ok), / 403 /);
    });

    it(`${name}: sends no CORS headers, also to a cross-origin request or a preflight`, async () => {
      const { port, ok } = servers[name];
      for (const [method, headers] of [
        ['GET', { Origin: 'http://evil.example' }], ['HEAD', { Origin: 'null' }],
        ['OPTIONS', { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'GET' }],
      ] as const) {
        const answer = await send(port, method, ok, headers);
        assert.equal(answer.status, method === 'OPTIONS' ? 405 : 200, method);
        const cors = Object.keys(answer.headers).filter((h) => h.startsWith('access-control-'));
        assert.deepEqual(cors, [], `${method}: ${cors.join(', ')}`);
        assert.equal(answer.headers['cross-origin-resource-policy'], 'same-origin');
      }
    });

    it(`${name}: GET and HEAD only, and no path out of its folders`, async () => {
      const { port, ok } = servers[name];
      for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) assert.equal((await send(port, method, ok)).status, 405, method);
      const prefix = name === 'explorer' ? '/run/' : '/';
      for (const path of ['../secret.txt', '%2e%2e/secret.txt', '..%2fsecret.txt', '..\\secret.txt', 'link-out.txt', '%2fetc%2fpasswd', 'a/../../secret.txt', 'studio.html%00']) {
        const answer = await send(port, 'GET', prefix + path);
        assert.equal(answer.status, 404, prefix + path);
        assert.ok(!answer.body.includes('secret'), prefix + path);
      }
    });
  }

  it('studio: / is the studio page; its files are served, nothing else', async () => {
    const { port } = servers.studio;
    assert.equal((await send(port, 'GET', '/')).body, '<!doctype html><title>studio</title>');
    assert.equal((await send(port, 'GET', '/assets/app.js')).body, 'console.log(1)');
    assert.equal((await send(port, 'GET', '/run/run.json')).status, 404);
  });

  it('accepts Host names by the rule, for loopback and wildcard binds', () => {
    const address = (address: string, port = 8080): AddressInfo => ({ address, port, family: address.includes(':') ? 'IPv6' : 'IPv4' });
    const cases: [string | undefined, string, AddressInfo, boolean][] = [
      ['127.0.0.1:8080', '127.0.0.1', address('127.0.0.1'), true],
      ['localhost:8080', '127.0.0.1', address('127.0.0.1'), true],
      ['localhost', '127.0.0.1', address('127.0.0.1', 80), true],
      ['myhost.lan:8080', 'myhost.lan', address('192.168.1.5'), true],
      ['other.lan:8080', 'myhost.lan', address('192.168.1.5'), false],
      ['192.168.1.5:8080', 'myhost.lan', address('192.168.1.5'), true],
      ['127.0.0.1:8080', '0.0.0.0', address('0.0.0.0'), true],
      ['evil.example:8080', '0.0.0.0', address('0.0.0.0'), false],
      ['203.0.113.9:8080', '0.0.0.0', address('0.0.0.0'), false],
      [undefined, '127.0.0.1', address('127.0.0.1'), false],
    ];
    for (const [header, bound, info, expected] of cases) assert.equal(hostAllowed(header, bound, info), expected, `${header} on ${bound}`);
  });

  it('warns for a --host beyond this machine only', () => {
    assert.equal(exposureWarning('ganvae serve', '127.0.0.1'), null);
    assert.equal(exposureWarning('ganvae serve', 'localhost'), null);
    assert.equal(exposureWarning('ganvae serve', '::1'), null);
    assert.match(exposureWarning('ganvae studio', '0.0.0.0')!, /^ganvae studio: warning: --host 0\.0\.0\.0 makes this server reachable from every network/);
  });
});
