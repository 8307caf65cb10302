// Runs an async job so that at most one is in flight and, of the calls made meanwhile, only the last runs
// next: slider moves arrive faster than the model draws, and only the newest position matters.

/** Wraps `job`; calling the result schedules a run, coalescing calls made while one is running. */
export function latestOnly(job: () => Promise<void>, onError: (err: unknown) => void): () => void {
  let running = false;
  let pending = false;
  const run = async () => {
    running = true;
    do {
      pending = false;
      try {
        await job();
      } catch (err) {
        onError(err);
      }
    } while (pending);
    running = false;
  };
  return () => {
    if (running) pending = true;
    else void run();
  };
}
