import { ConflictException, ServiceUnavailableException } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { PipelineBusyError } from './pipeline.types.js';

/**
 * Starts a run for an HTTP request: a run already active answers 409 with the active run's id;
 * an api replica (ROLE=api), which never trains, answers 503 saying where runs are started.
 */
export async function startRunForRequest<T>(config: AppConfig, start: () => Promise<T>): Promise<T> {
  if (config.role === 'api') {
    throw new ServiceUnavailableException(
      'this replica serves only (ROLE=api): start pipeline runs and uploads on the worker (ROLE=worker) or with `cli pipeline run`',
    );
  }
  try {
    return await start();
  } catch (error) {
    if (error instanceof PipelineBusyError) {
      throw new ConflictException({ message: error.message, activeRunId: error.activeRunId });
    }
    throw error;
  }
}
