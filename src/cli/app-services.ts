/**
 * The app's services the commands look up once the app is open, loaded on demand (the command
 * files import only their types), so `help` and usage errors answer without loading NestJS and TypeORM.
 */
export { getDataSourceToken } from '@nestjs/typeorm';
export { ReplayMeasuresService } from '../evaluation/replay-measures.service.js';
export { ImpressionsService } from '../impressions/impressions.service.js';
export { DataStatusService } from '../ingestion/data-status.service.js';
export { QuarantineRetention } from '../ingestion/quarantine-retention.js';
export { PipelineRunner } from '../pipeline/pipeline-runner.js';
export { PipelineRunsRepository } from '../pipeline/pipeline-runs.repository.js';
export { RegistryService } from '../registry/registry.service.js';
export { revertLastMigration } from './revert-migration.js';
