// Streams an image source through a feature extractor, batch by batch, into two feature matrices.
import type { FeatureExtractor } from './extractor.ts';
import { featureMatrix, type FeatureMatrix } from './features.ts';
import type { ImageSource } from './image-sources.ts';

/** Embeddings `[n, featureDim]` and logits `[n, numClasses]` of every image of a source. */
export interface ExtractedFeatures {
  features: FeatureMatrix;
  logits: FeatureMatrix;
}

/** Progress after each batch: images done of the total, and seconds since the start. */
export type ExtractionProgress = (done: number, total: number, seconds: number) => void;

/** Runs every image of `source` through `extractor` in batches of `batchSize`. */
export async function extractFeatures(extractor: FeatureExtractor, source: ImageSource, batchSize: number,
  onProgress?: ExtractionProgress): Promise<ExtractedFeatures> {
  extractor.checkImageShape(source.shape);
  const features = new Float32Array(source.count * extractor.featureDim);
  const logits = new Float32Array(source.count * extractor.numClasses);
  const imageSize = source.shape[0] * source.shape[1] * source.shape[2];
  const started = performance.now();
  let done = 0;
  for await (const batch of source.batches(batchSize)) {
    const count = batch.length / imageSize;
    const out = await extractor.extract(batch, count, source.shape);
    features.set(out.features, done * extractor.featureDim);
    logits.set(out.logits, done * extractor.numClasses);
    done += count;
    onProgress?.(done, source.count, (performance.now() - started) / 1000);
  }
  if (done !== source.count) throw new Error(`${source.description}: expected ${source.count} images, got ${done}`);
  return { features: featureMatrix(features, extractor.featureDim), logits: featureMatrix(logits, extractor.numClasses) };
}
