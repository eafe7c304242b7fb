import { Injectable, NotFoundException } from '@nestjs/common';
import { BatchesRepository } from '../ingestion/batches.repository.js';
import { ValidationRepository } from '../validation/validation.repository.js';
import type { BatchDetailDto, BatchPageDto, BatchStatus, QuarantinePageDto } from './dto.js';

/** Data batches (applied ones are the data versions, rejected ones are kept for inspection). */
@Injectable()
export class BatchesService {
  constructor(
    private readonly batches: BatchesRepository,
    private readonly validation: ValidationRepository,
  ) {}

  /** Newest first (ids grow with every batch recorded, applied or rejected). */
  async list(page: number, limit: number, status?: BatchStatus): Promise<BatchPageDto> {
    return { ...(await this.batches.list(page, limit, status)), page, limit };
  }

  async get(id: number): Promise<BatchDetailDto> {
    const batch = await this.batches.get(id);
    if (!batch) throw new NotFoundException(`batch ${id} not found`);
    return { ...batch, report: (await this.validation.report(id)) ?? null };
  }

  /** The batch's quarantined rows in file order. */
  async quarantine(id: number, page: number, limit: number, check?: string): Promise<QuarantinePageDto> {
    if (!(await this.batches.get(id))) throw new NotFoundException(`batch ${id} not found`);
    return { ...(await this.validation.quarantined(id, page, limit, check)), page, limit };
  }
}
