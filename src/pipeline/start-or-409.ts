import { ConflictException } from '@nestjs/common';
import { PipelineBusyError } from './pipeline.types.js';

/** Maps "a run is active" to 409 with the active run's id, for every route that starts a run. */
export async function startOr409<T>(start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    if (error instanceof PipelineBusyError) {
      throw new ConflictException({ message: error.message, activeRunId: error.activeRunId });
    }
    throw error;
  }
}
