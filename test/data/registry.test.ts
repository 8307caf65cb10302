// The data registry drives everything: each registered source shows in `ganvae data list`, the data and
// train help texts and doctor; a fake source registered here loads, downloads and names its extractor.
import { after, before, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { command as dataCommand } from '../../src/cli/commands/data.ts';
import { command as doctorCommand } from '../../src/cli/commands/doctor.ts';
import { command as trainCommand } from '../../src/cli/commands/train.ts';
import type { DataSource } from '../../src/data/data-source.ts';
import { downloadDataset } from '../../src/data/download.ts';
import { loadDataset } from '../../src/data/sources.ts';
import { dataSources, findDataSource, registerDataSource, sourceChoices, sourceSpec } from '../../src/data/sources/index.ts';
import { builtInExtractorDir, EXTRACTORS_DIR } from '../../src/metrics/extractor.ts';
import { put, randomBytesSeeded, tempFolder } from './fixtures.ts';

const temp = tempFolder();
let server: Server;
let base: string;
const archiveDir = join(temp.dir, 'published');
const member = randomBytesSeeded(4 * 4 * 3 * 6, 7); // six 4x4 RGB images
let archiveMd5 = '';

/** Serves /fake.tar.gz, a tar.gz holding tiles/pixels.bin and tiles/readme.txt. */
before(async () => {
  put(join(archiveDir, 'tiles', 'pixels.bin'), member);
  put(join(archiveDir, 'tiles', 'readme.txt'), 'not unpacked');
  await promisify(execFile)('tar', ['-czf', join(archiveDir, 'fake.tar.gz'), '-C', archiveDir, 'tiles']);
  const archive = readFileSync(join(archiveDir, 'fake.tar.gz'));
  archiveMd5 = createHash('md5').update(archive).digest('hex');
  server = createServer((req, res) => (req.url === '/fake.tar.gz' ? res.end(archive) : res.writeHead(404).end()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
after(() => {
  server.closeAllConnections();
  server.close();
  temp.remove();
});

/** A source of six 4x4 RGB tiles in one file `pixels.bin` of --data-dir, published as a tar.gz: 4 train, 2 test. */
function fakeSource(): DataSource {
  return {
    name: 'fake-tiles',
    title: 'Fake tiles',
    summary: 'six 4x4 colour tiles, for the registry test',
    classes: null,
    extractor: 'fake-tiles-extractor',
    download: { baseUrl: base, files: [{ name: 'fake.tar.gz', md5: archiveMd5 }], unpack: { kind: 'tar.gz', members: ['pixels.bin'] } },
    installed: () => ({ where: '/nowhere/fake-tiles', found: false, install: 'run `ganvae data download fake-tiles`' }),
    plan(_argument, options) {
      const file = join(options.dataDir ?? '/nowhere/fake-tiles', 'pixels.bin');
      return {
        files: [file],
        settings: null,
        decode: async () => {
          const images = new Uint8Array(readFileSync(file));
          const split = (from: number, count: number) => ({
            name: 'fake-tiles', images: images.slice(from * 48, (from + count) * 48), count, height: 4, width: 4, channels: 3,
          });
          return { splits: { train: split(0, 4), test: split(4, 2) }, warnings: [] };
        },
      };
    },
  };
}

/** Runs a command in-process, returning its exit code and what it printed. */
async function run(command: { run(argv: string[]): Promise<number> }, args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const log = mock.method(console, 'log', (...parts: unknown[]) => lines.push(parts.join(' ')));
  try {
    return { code: await command.run(args), out: lines.join('\n') };
  } finally {
    log.mock.restore();
  }
}

describe('the data registry', () => {
  it('lists every source in `ganvae data list`, data help and train help', async () => {
    const specs = dataSources().map(sourceSpec);
    assert.equal(specs[0], 'fashion-mnist', 'the default comes first');
    for (const builtIn of ['mnist', 'mnist-10k', 'cifar10', 'folder:<dir>']) assert.ok(specs.includes(builtIn), builtIn);
    assert.match(sourceChoices(), /^fashion-mnist, mnist, .* or folder:<dir>$/);
    const list = await run(dataCommand, ['list']);
    const json = JSON.parse((await run(dataCommand, ['list', '--json'])).out) as { source: string; download: boolean }[];
    const dataHelp = await run(dataCommand, ['--help']);
    const trainHelp = await run(trainCommand, ['gan', '--help']);
    const dataFlag = trainHelp.out.split('\n').find((line) => line.trimStart().startsWith('--data '));
    for (const source of dataSources()) {
      const spec = sourceSpec(source);
      assert.match(list.out, new RegExp(`^${spec}\\s+${source.summary.slice(0, 20)}`, 'm'));
      assert.ok(json.some((row) => row.source === spec && row.download === (source.download !== undefined)), spec);
      assert.ok(dataHelp.out.includes(spec), `data help names ${spec}`);
      assert.ok(dataFlag?.includes(spec), `train's --data line names ${spec}: ${dataFlag}`);
    }
    assert.ok(dataHelp.out.includes(`download <${dataSources().filter((s) => s.download).map((s) => s.name).join('|')}>`));
  });

  it('loads, lists, downloads and names the extractor of a registered fake source; unregistering removes it', async () => {
    const unregister = registerDataSource(fakeSource());
    try {
      const dir = join(temp.dir, 'fake');
      const progress: string[] = [];
      const written = await downloadDataset('fake-tiles', { dir, onProgress: (m) => progress.push(m) });
      assert.deepEqual(written, [join(dir, 'pixels.bin')]);
      assert.deepEqual(readdirSync(dir), ['pixels.bin'], 'the member unpacked, the archive and the other files gone');
      assert.match((await downloadDataset('fake-tiles', { dir, onProgress: (m) => progress.push(m) }))[0], /pixels\.bin$/);
      assert.match(progress.at(-1)!, /Fake tiles files already unpacked in/);

      const { train, test } = await loadDataset('fake-tiles', { dataDir: dir, cacheDir: join(temp.dir, 'cache') });
      assert.deepEqual([train.count, test.count, train.height, train.channels], [4, 2, 4, 3]);
      assert.deepEqual(test.images, member.subarray(4 * 48));
      const cached = await loadDataset('fake-tiles', { dataDir: dir, cacheDir: join(temp.dir, 'cache') });
      assert.deepEqual(cached.train.images, train.images);

      assert.match((await run(dataCommand, ['list'])).out, /^fake-tiles\s+six 4x4 colour tiles.*\n\s+not installed \(run `ganvae data download fake-tiles`\); `ganvae data download fake-tiles --dir D` fetches it/m);
      assert.match((await run(dataCommand, ['--help'])).out, /download <fashion-mnist\|mnist\|[a-z0-9|-]*\|fake-tiles>/);
      assert.match((await run(dataCommand, ['info', 'fake-tiles', '--data-dir', dir, '--no-cache'])).out, /train {4}4 images/);
      assert.equal(builtInExtractorDir('fake-tiles'), join(EXTRACTORS_DIR, 'fake-tiles-extractor-v2'));
      assert.throws(() => registerDataSource(fakeSource()), /a data source named "fake-tiles" is already registered/);
    } finally {
      unregister();
    }
    assert.equal(findDataSource('fake-tiles'), null);
    await assert.rejects(loadDataset('fake-tiles'), new RegExp(`unknown data source "fake-tiles"; use one of ${sourceChoices()}$`));
    await assert.rejects(downloadDataset('mnist-10k', { dir: temp.dir }), /mnist-10k cannot be downloaded; the sources that can: fashion-mnist, mnist\b.* cifar10/);
  });

  it('doctor reports each source with an installed copy, and only the default one missing is a problem', async () => {
    const unregister = registerDataSource(fakeSource());
    try {
      const { out } = await run(doctorCommand, ['--json']);
      const report = JSON.parse(out) as { datasets: Record<string, string | null>; problems: string[] };
      assert.deepEqual(Object.keys(report.datasets), dataSources().filter((s) => s.installed).map((s) => s.name));
      assert.ok(['fashion-mnist', 'mnist-10k', 'fake-tiles'].every((name) => name in report.datasets));
      assert.equal(report.datasets['fake-tiles'], null);
      assert.equal(report.datasets['fashion-mnist'], existsSync('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz') ? '/usr/share/datasets/fashion-mnist' : null);
      assert.ok(!report.problems.some((p) => /Fake tiles/.test(p)));
    } finally {
      unregister();
    }
  });

  it('resolves names: an argument only where the source takes one', () => {
    const found = findDataSource('folder:C:/pics');
    assert.deepEqual([found?.source.name, found?.argument], ['folder', 'C:/pics']);
    assert.equal(findDataSource('folder'), null);
    assert.equal(findDataSource('mnist:x'), null);
    assert.throws(() => registerDataSource({ ...fakeSource(), name: 'Bad Name' }), /must be lower-case kebab-case/);
  });
});
