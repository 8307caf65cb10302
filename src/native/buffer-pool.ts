// Reuses the Float32Arrays of disposed tensors for the outputs of native kernels. Fresh typed arrays
// cost a page fault per 4 KiB on first write and, through external-memory pressure, frequent full
// garbage collections; a training step allocates the same sizes every time, so recycling removes both.
//
// An array is recycled only while ganvae owns it alone: never once its values were read out
// (dataSync/data hand the array itself to the caller), and never if a second tensor or a view
// (tfjs's CPU Slice returns subarrays) shares its memory.

/** Arrays shorter than this come from V8's heap cheaply and are not pooled. */
const MIN_POOLED_LENGTH = 4096;
/** A free buffer serves requests down to 1/MAX_SLACK of its capacity. */
const MAX_SLACK = 1.5;

/** A pool of Float32Arrays keyed by length, holding at most `maxBytes` of free arrays. */
export class BufferPool {
  /** Free buffers by capacity (in float32s), and those capacities in ascending order. */
  private readonly free = new Map<number, ArrayBuffer[]>();
  private readonly capacities: number[] = [];
  /** Arrays this pool made, by their ArrayBuffer (to recognise views into them). */
  private readonly owners = new WeakMap<ArrayBufferLike, Float32Array>();
  /** Owned arrays currently backing exactly one tensor. */
  private readonly live = new WeakSet<Float32Array>();
  private freeBytes = 0;

  constructor(private readonly maxBytes: number) {}

  /**
   * A Float32Array of `length` whose contents are stale: the caller must overwrite every element. It may be a
   * view on the front of a larger free buffer (best fit, at most MAX_SLACK times longer): reusing buffers across
   * sizes keeps the pool near a step's real peak instead of the sum of every size's own peak.
   */
  take(length: number): Float32Array {
    if (length < MIN_POOLED_LENGTH) return new Float32Array(length);
    const capacity = this.bestFit(length);
    if (capacity !== undefined) {
      const buffer = this.free.get(capacity)!.pop()!;
      if (this.free.get(capacity)!.length === 0) this.removeCapacity(capacity);
      this.freeBytes -= buffer.byteLength;
      const view = new Float32Array(buffer, 0, length);
      this.owners.set(buffer, view);
      return view;
    }
    const array = new Float32Array(length);
    this.owners.set(array.buffer, array);
    return array;
  }

  /** The smallest free capacity in [length, length·MAX_SLACK], if any. */
  private bestFit(length: number): number | undefined {
    const sizes = this.capacities;
    let lo = 0;
    let hi = sizes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sizes[mid] < length) lo = mid + 1;
      else hi = mid;
    }
    return lo < sizes.length && sizes[lo] <= length * MAX_SLACK ? sizes[lo] : undefined;
  }

  private removeCapacity(capacity: number): void {
    this.free.delete(capacity);
    this.capacities.splice(this.capacities.indexOf(capacity), 1);
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
    if (this.freeBytes + values.buffer.byteLength > this.maxBytes) {
      this.owners.delete(values.buffer);
      return;
    }
    const capacity = values.buffer.byteLength / Float32Array.BYTES_PER_ELEMENT;
    const list = this.free.get(capacity);
    if (list) {
      list.push(values.buffer as ArrayBuffer);
    } else {
      this.free.set(capacity, [values.buffer as ArrayBuffer]);
      const at = this.capacities.findIndex((c) => c > capacity);
      this.capacities.splice(at === -1 ? this.capacities.length : at, 0, capacity);
    }
    this.freeBytes += values.buffer.byteLength;
  }

  /** Bytes held in free arrays. */
  get pooledBytes(): number {
    return this.freeBytes;
  }
}
