// `loadDataset(source)`: one entry point for every registered source (sources/index.ts), with the
// decoded splits cached on disk so the second load is one file read.
import { cacheKey, DEFAULT_CACHE_DIR, fileStamps, readCache, writeCache } from './cache.ts';
import type { LoadOptions } from './data-source.ts';
import type { DatasetSplits } from './dataset.ts';
import { DEFAULT_SOURCE, findDataSource, sourceChoices } from './sources/index.ts';
import { DataError } from '../core/errors.ts';

/**
 * Loads a source's train and test splits, uint8 [count, h, w, c] each: any registered source
 * (`ganvae data list`; fashion-mnist when none is named). Decoded once, then served from the cache.
 */
export async function loadDataset(source = DEFAULT_SOURCE, options: LoadOptions = {}): Promise<DatasetSplits> {
  const found = findDataSource(source);
  if (!found) throw new DataError(`unknown data source "${source}"; use one of ${sourceChoices()}`);
  const plan = found.source.plan(found.argument, options);
  const cacheDir = options.cacheDir === undefined ? DEFAULT_CACHE_DIR : options.cacheDir;
  const key = cacheKey({ source, files: fileStamps(plan.files), settings: plan.settings });
  const cached = cacheDir ? readCache(cacheDir, key) : null;
  const { splits, warnings } = cached ?? (await plan.decode());
  for (const warning of warnings) (options.onWarning ?? console.warn)(warning);
  if (cacheDir && !cached) writeCache(cacheDir, key, splits, warnings);
  return splits;
}
