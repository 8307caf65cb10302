// Reuses the Float32Arrays of disposed tensors for the outputs of native kernels. Fresh typed arrays
// cost a page fault per 4 KiB on first write and, through external-memory pressure, frequent full
// garbage collections; a training step allocates the same sizes every time, so recycling removes both.
//
// An array is recycled only while ganvae owns it alone: never once its values were read out
// (dataSync/data hand the array itself to the caller), and never if a second tensor or a view
// (tfjs's CPU Slice returns subarrays) shares its memory.

/** Arrays shorter than this come from V8's heap cheaply and are not pooled. */
const MIN_POOLED_LENGTH = 4096;

/** A pool of Float32Arrays keyed by length, holding at most `maxBytes` of free arrays. */
export class BufferPool {
  private readonly free = new Map<number, Float32Array[]>();
  /** Arrays this pool made, by their ArrayBuffer (to recognise views into them). */
  private readonly owners = new WeakMap<ArrayBufferLike, Float32Array>();
  /** Owned arrays currently backing exactly one tensor. */
  private readonly live = new WeakSet<Float32Array>();
  private freeBytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** A Float32Array of `length` whose contents are stale: the caller must overwrite every element. */
  take(length: number): Float32Array {
    if (length < MIN_POOLED_LENGTH) return new Float32Array(length);
    const reused = this.free.get(length)?.pop();
    if (reused) {
      this.freeBytes -= reused.byteLength;
      return reused;
    }
    const array = new Float32Array(length);
    this.owners.set(array.buffer, array);
    return array;
  }

  /** Called when a tensor starts using `values`: a second user or a view makes its owner unpoolable. */
  adopt(values: unknown): void {
    if (!ArrayBuffer.isView(values)) return;
    const owner = this.owners.get(values.buffer);
    if (!owner) return;
    if (owner !== values || this.live.has(owner)) {
      this.release(owner);
    } else {
      this.live.add(owner);
    }
  }

  /** Called when `values` leaves the backend (read by the caller): it is never recycled. */
  release(values: unknown): void {
    if (!ArrayBuffer.isView(values)) return;
    const owner = this.owners.get(values.buffer);
    if (owner) {
      this.owners.delete(values.buffer);
      this.live.delete(owner);
    }
  }

  /** Called when the tensor using `values` is disposed: an owned, unshared array returns to the pool. */
  recycle(values: unknown): void {
    if (!(values instanceof Float32Array) || !this.live.has(values)) return;
    this.live.delete(values);
    if (this.freeBytes + values.byteLength > this.maxBytes) {
      this.owners.delete(values.buffer);
      return;
    }
    const list = this.free.get(values.length);
    if (list) list.push(values);
    else this.free.set(values.length, [values]);
    this.freeBytes += values.byteLength;
  }

  /** Bytes held in free arrays. */
  get pooledBytes(): number {
    return this.freeBytes;
  }
}
