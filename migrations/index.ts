import { InitialSchema1764147600000 } from './1764147600000-initial-schema.js';
import { MoviePopularityIndex1764151200000 } from './1764151200000-movie-popularity-index.js';
import { PipelineAndValidation1764154800000 } from './1764154800000-pipeline-and-validation.js';
import { ModelRegistry1764158400000 } from './1764158400000-model-registry.js';
import { ArtifactStorageExternal1796140800000 } from './1796140800000-artifact-storage-external.js';
import { Impressions1796230800000 } from './1796230800000-impressions.js';
import { ReplayMeasures1796317200000 } from './1796317200000-replay-measures.js';
import { CancelledRuns1796403600000 } from './1796403600000-cancelled-runs.js';
import { FeedbackAttribution1796490000000 } from './1796490000000-feedback-attribution.js';
import { ArtifactParts1796576400000 } from './1796576400000-artifact-parts.js';

/** Every migration, oldest first; the app and the CLI run them from this list. */
export const migrations = [
  InitialSchema1764147600000,
  MoviePopularityIndex1764151200000,
  PipelineAndValidation1764154800000,
  ModelRegistry1764158400000,
  ArtifactStorageExternal1796140800000,
  Impressions1796230800000,
  ReplayMeasures1796317200000,
  CancelledRuns1796403600000,
  FeedbackAttribution1796490000000,
  ArtifactParts1796576400000,
];
