// A minimal reader of (ustar / GNU) tar archives held in memory: regular files only, by name.
// Enough to unpack CIFAR-10's archive without a tar binary or a dependency.

/** A regular file in the archive: its path inside the archive and a view of its bytes. */
export interface TarEntry {
  name: string;
  data: Uint8Array;
}

const BLOCK = 512;

function field(header: Uint8Array, start: number, length: number): string {
  const bytes = header.subarray(start, start + length);
  const end = bytes.indexOf(0);
  return Buffer.from(end === -1 ? bytes : bytes.subarray(0, end)).toString('utf8');
}

/** The regular files of a tar archive; throws an Error when a header's size runs past the end. */
export function readTarEntries(archive: Uint8Array): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  while (offset + BLOCK <= archive.length) {
    const header = archive.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) break; // end-of-archive marker
    const size = parseInt(field(header, 124, 12).trim() || '0', 8);
    if (!Number.isFinite(size) || size < 0) throw new Error(`tar header at byte ${offset} has a bad size field`);
    const dataStart = offset + BLOCK;
    if (dataStart + size > archive.length) throw new Error(`tar entry at byte ${offset} runs past the end of the archive (truncated)`);
    const type = String.fromCharCode(header[156]);
    const prefix = field(header, 345, 155);
    const name = prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100);
    if (type === '0' || type === '\0') entries.push({ name, data: archive.subarray(dataStart, dataStart + size) });
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
  }
  return entries;
}
