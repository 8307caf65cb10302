// The public API of ganvae's data layer: sources, the batch pipeline, image I/O and grids.
export { type Dataset, type DatasetSplits, splitDataset, splitDatasetByGroup, takeRows } from './dataset.ts';
export { loadDataset } from './sources.ts';
export { type DataSource, type DownloadFile, type FilesDownload, type InstalledCopy, type LoadOptions, type NpmPackageDownload, type SourceDownload, type SourcePlan } from './data-source.ts';
export { dataSources, findDataSource, registerDataSource } from './sources/index.ts';
export { type FolderOptions } from './sources/folder.ts';
export { type ImageRowOptions } from './row-options.ts';
export { type Batch, type Batcher, type BatchOptions, createBatcher, type PixelRange } from './batches.ts';
export { decodeImage, encodePng, type RawImage, writePng } from './image-codec.ts';
export { readImageHeader, type ImageHeader } from './image-header.ts';
export { type GridOptions, imageGrid, type ImageBatch } from './image-grid.ts';
export { convertChannels, resizeContain, resizeCover } from './resize.ts';
export { FIT_MODES, fitImage, type FitMode, type FitOptions, isBackground, parseBackground, type Rgb } from './fit-image.ts';
export { findDuplicateFiles } from './duplicates.ts';
export { encodeGif, type GifOptions } from './gif.ts';
export { mixSeed, permutation, Rng, shuffleInPlace } from '../core/random.ts';
export { classCounts, pixelStats, type PixelStats } from './stats.ts';
export { downloadDataset, type DownloadOptions } from './download.ts';
export { ConfigError, DataError, RunFolderError } from '../core/errors.ts';
