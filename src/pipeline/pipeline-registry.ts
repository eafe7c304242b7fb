import { Injectable } from '@nestjs/common';
import type { PipelineStage } from './pipeline.types.js';

/**
 * The stages a run executes, in order. Modules register their stages at start, so new stages
 * (e.g. training) slot in without the orchestrator changing.
 */
@Injectable()
export class PipelineRegistry {
  private readonly stages: PipelineStage[] = [];

  register(stage: PipelineStage): void {
    if (this.stages.some((existing) => existing.name === stage.name)) {
      throw new Error(`pipeline stage "${stage.name}" is registered twice`);
    }
    this.stages.push(stage);
    this.stages.sort((a, b) => a.order - b.order);
  }

  ordered(until?: string): PipelineStage[] {
    if (until === undefined) return [...this.stages];
    const last = this.stages.findIndex((stage) => stage.name === until);
    if (last < 0) throw new Error(`no pipeline stage is named "${until}"`);
    return this.stages.slice(0, last + 1);
  }
}
