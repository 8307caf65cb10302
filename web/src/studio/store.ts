// The studio's persistence in the browser's IndexedDB: the run (run.json, metrics, grids, latest checkpoint)
// under one key, rewritten at each checkpoint, and its training images under another, written once per run.
import type { StudioRun } from './run-archive.ts';

/** The training images of a run, as the batcher reads them (uint8 NHWC) with their labels. */
export interface StoredDataset {
  name: string;
  images: Uint8Array;
  labels?: Uint8Array | Int32Array;
  count: number;
  height: number;
  width: number;
  channels: number;
  classNames?: string[];
  /** What the page shows about where they came from. */
  summary: string;
}

const DB_NAME = 'ganvae-studio';
const STORE = 'kv';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(new Error(`IndexedDB cannot be opened: ${request.error?.message ?? 'unknown error'} (private browsing, or storage disabled?)`));
  });
}

async function transact<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T> | void): Promise<T | undefined> {
  const db = await open();
  try {
    return await new Promise<T | undefined>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request ? request.result : undefined);
      tx.onerror = () => reject(new Error(`IndexedDB: ${tx.error?.message ?? 'the write failed'}${tx.error?.name === 'QuotaExceededError' ? ' (the browser\'s storage is full)' : ''}`));
      tx.onabort = () => reject(new Error(`IndexedDB: ${tx.error?.message ?? 'the transaction was aborted'}`));
    });
  } finally {
    db.close();
  }
}

/** Saves the run (one transaction: the previous one stays whole until this one commits). */
export async function saveRun(run: StudioRun): Promise<void> {
  await transact('readwrite', (store) => store.put(run, 'run'));
}

/** Saves the run's training images. */
export async function saveDataset(dataset: StoredDataset): Promise<void> {
  await transact('readwrite', (store) => store.put(dataset, 'dataset'));
}

/** The saved run and its images, or null when none is saved. */
export async function loadSaved(): Promise<{ run: StudioRun; dataset: StoredDataset } | null> {
  const run = await transact<StudioRun>('readonly', (store) => store.get('run'));
  const dataset = await transact<StoredDataset>('readonly', (store) => store.get('dataset'));
  return run && dataset ? { run, dataset } : null;
}

/** Forgets the saved run. */
export async function clearSaved(): Promise<void> {
  await transact('readwrite', (store) => store.clear());
}
