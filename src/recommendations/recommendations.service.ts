import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MoviesRepository } from '../catalog/movies.repository.js';
import { AppConfig } from '../config/app-config.js';
import { RatingsRepository } from '../ingestion/ratings.repository.js';
import { DATA_CHANNEL, PROMOTION_CHANNEL, RATING_CHANNEL } from '../database/channels.js';
import { NotificationListener } from '../database/notification-listener.js';
import { MetricsService } from '../monitoring/metrics.service.js';
import { Readiness } from '../health/readiness.js';
import {
  type CatalogEntry,
  deserializeBundle,
  figureOf,
  metricKey,
  ndcgOf,
  parseRatingPayload,
  PROTOCOLS,
  RatedSince,
  type RecommendationList,
  ServingModel,
} from '../core/index.js';
import { RegistryService } from '../registry/registry.service.js';

/**
 * Holds the production version in memory and answers from it, with no database query on the
 * request path. A promotion anywhere on the database (NOTIFY) loads the new version, which then
 * replaces the old one in a single assignment; ratings sent or applied since its training are
 * followed the same way, so they are never recommended back.
 */
@Injectable()
export class RecommendationsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RecommendationsService.name);
  private current?: { model: ServingModel; dataVersion: number; ratedSince: RatedSince };
  private listener?: NotificationListener;
  /** Ratings heard while a ratings-since set is being read, replayed into it once read. */
  private heardWhileReading: { userId: number; movieId: number; rating?: number; ratedAt: number }[] = [];
  private reading = 0;
  /** How many of each set's dropped ratings the metric has counted. */
  private readonly droppedCounted = new WeakMap<RatedSince, number>();

  constructor(
    private readonly registry: RegistryService,
    private readonly catalog: MoviesRepository,
    private readonly ratings: RatingsRepository,
    @InjectDataSource() private readonly db: DataSource,
    private readonly metrics: MetricsService,
    private readonly config: AppConfig,
    private readonly readiness: Readiness,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const production = await this.registry.production();
    if (production) await this.load(production.id);
    await this.listen();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listener?.stop();
  }

  /** A dedicated connection LISTENing on every channel; when it drops, it is re-made and catches up. */
  private async listen(): Promise<void> {
    this.listener = new NotificationListener(
      this.db,
      [PROMOTION_CHANNEL, RATING_CHANNEL, DATA_CHANNEL],
      this.logger,
      (channel, payload) => this.onNotification(channel, payload),
      () => this.catchUp(),
    );
    await this.listener.start();
  }

  /** Notifications sent while the listener was away are lost: read what they would have said. */
  private async catchUp(): Promise<void> {
    const production = await this.registry.production();
    if (production && production.id !== this.current?.model.version) await this.load(production.id);
    else await this.refreshRatedSince();
  }

  private onNotification(channel: string, payload: string | undefined): void {
    if (channel === PROMOTION_CHANNEL) {
      const id = Number(payload);
      this.load(id).catch((error: Error) =>
        this.logger.error(`could not load model version ${id}: ${error.message}`),
      );
    } else if (channel === RATING_CHANNEL) {
      const heard = parseRatingPayload(payload);
      if (!heard) return;
      const rating = { ratedAt: Date.now() / 1000, ...heard };
      this.current?.ratedSince.add(rating.userId, rating.movieId, rating.rating, rating.ratedAt);
      if (this.reading > 0) this.heardWhileReading.push(rating);
      this.reportFoldIn();
    } else if (channel === DATA_CHANNEL) {
      this.refreshRatedSince().catch((error: Error) =>
        this.logger.error(`could not refresh the ratings since training: ${error.message}`),
      );
    }
  }

  /** Loads a version and makes it the one serving. */
  async load(id: number): Promise<void> {
    const { bytes, dataVersion } = await this.registry.artifact(id);
    const { algorithm, metrics } = await this.registry.get(id);
    const rows = await this.catalog.summaries();
    const catalog = new Map<number, CatalogEntry>(
      rows.map((row) => [row.id, { title: row.title, genres: row.genres }]),
    );
    const { sessionSeconds, foldIn } = this.config.serving;
    const model = new ServingModel(id, deserializeBundle(bytes), catalog, { sessionSeconds, foldIn });
    const ratedSince = await this.readRatedSince(dataVersion);
    this.current = { model, dataVersion, ratedSince };
    this.readiness.modelServed(id);
    this.reportServing(id, algorithm, metrics);
    this.reportFoldIn();
    this.logger.log(
      { modelVersion: id, dataVersion, ratedSince: ratedSince.size },
      `serving model version ${id}`,
    );
  }

  /** Counts one answer of `endpoint`, by whether it fell back to popularity. */
  count(endpoint: 'user' | 'taste' | 'similar', fallback: string | null): void {
    this.metrics.serving.recommendations.inc({ endpoint, fallback: fallback ?? 'none' });
  }

  private reportServing(id: number, algorithm: string, metrics: Record<string, number>): void {
    const serving = this.metrics.serving;
    serving.modelInfo.reset();
    serving.modelInfo.set({ version: String(id), algorithm }, 1);
    serving.modelNdcg.reset();
    for (const protocol of PROTOCOLS) {
      // Versions registered before the next-day protocol carry the session figure unprefixed.
      const ndcg =
        ndcgOf(metrics, protocol) ?? (protocol === 'session' ? ndcgOf(metrics, 'primary') : undefined);
      if (ndcg !== undefined) serving.modelNdcg.set({ protocol }, ndcg);
    }
    serving.modelRecall.set(figureOf(metrics, metricKey('primary', 'recall')) ?? Number.NaN);
    serving.modelLoaded.setToCurrentTime();
  }

  /** The version serving now; 503 before any model was promoted. */
  model(): ServingModel {
    return this.serving().model;
  }

  /** The user's list from the version serving now, folding in what they rated since its training. */
  forUser(userId: number, limit: number, genre?: string): RecommendationList {
    const { model, ratedSince } = this.serving();
    return model.forUser(userId, limit, genre, ratedSince.of(userId));
  }

  private reportFoldIn(): void {
    const ratedSince = this.current?.ratedSince;
    if (!ratedSince) return;
    const { foldInRatings, foldInUsers, foldInDropped } = this.metrics.serving;
    foldInRatings.set(ratedSince.size);
    foldInUsers.set(ratedSince.users);
    const counted = this.droppedCounted.get(ratedSince) ?? 0;
    if (ratedSince.dropped > counted) foldInDropped.inc(ratedSince.dropped - counted);
    this.droppedCounted.set(ratedSince, ratedSince.dropped);
  }

  private serving(): NonNullable<RecommendationsService['current']> {
    if (!this.current) throw this.readiness.notReady();
    return this.current;
  }

  /** Ratings the version trained on `dataVersion` did not see: pending feedback and later batches. */
  private async readRatedSince(dataVersion: number): Promise<RatedSince> {
    this.reading++;
    try {
      const rows = await this.ratings.since(dataVersion);
      // A rating committed after the query's snapshot was heard meanwhile: keep it too.
      return new RatedSince(this.config.serving.foldInLimits, [...rows, ...this.heardWhileReading]);
    } finally {
      if (--this.reading === 0) this.heardWhileReading = [];
    }
  }

  private async refreshRatedSince(): Promise<void> {
    const serving = this.current;
    if (!serving) return;
    const ratedSince = await this.readRatedSince(serving.dataVersion);
    // Only if the same version still serves: a newer one has read its own.
    if (this.current === serving) this.current = { ...serving, ratedSince };
    this.reportFoldIn();
  }
}
