import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  ServiceUnavailableException,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { PROMOTION_CHANNEL, RegistryService } from '../registry/registry.service.js';
import { deserializeBundle } from '../training/model-bundle.js';
import { type CatalogEntry, ServingModel } from './serving-model.js';

/**
 * Holds the production version in memory and answers from it, with no database query on the
 * request path. A promotion anywhere on the database (NOTIFY) loads the new version, which then
 * replaces the old one in a single assignment.
 */
@Injectable()
export class RecommendationsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RecommendationsService.name);
  private current?: ServingModel;
  private listener?: pg.Client;

  constructor(
    private readonly registry: RegistryService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const production = await this.registry.production();
    if (production) await this.load(production.id);
    const options = this.db.driver.options as { url?: string };
    this.listener = new pg.Client({ connectionString: options.url });
    this.listener.on('notification', (message) => {
      const id = Number(message.payload);
      this.load(id).catch((error: Error) =>
        this.logger.error(`could not load model version ${id}: ${error.message}`),
      );
    });
    this.listener.on('error', (error) => this.logger.warn(`model promotion listener: ${error.message}`));
    await this.listener.connect();
    await this.listener.query(`LISTEN ${PROMOTION_CHANNEL}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listener?.end().catch(() => undefined);
  }

  /** Loads a version and makes it the one serving. */
  async load(id: number): Promise<void> {
    const { bytes } = await this.registry.artifact(id);
    const rows = await this.db.query<{ id: number; title: string; genres: string[] }[]>(
      'SELECT id, title, genres FROM movies',
    );
    const catalog = new Map<number, CatalogEntry>(
      rows.map((row) => [row.id, { title: row.title, genres: row.genres }]),
    );
    this.current = new ServingModel(id, deserializeBundle(bytes), catalog);
    this.logger.log({ modelVersion: id }, `serving model version ${id}`);
  }

  /** The version serving now; 503 before any model was promoted. */
  model(): ServingModel {
    if (!this.current) {
      throw new ServiceUnavailableException(
        'no model is in production yet: run the pipeline (POST /admin/pipeline/runs)',
      );
    }
    return this.current;
  }
}
