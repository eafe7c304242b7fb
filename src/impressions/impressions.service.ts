import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AppConfig } from '../config/app-config.js';
import { ImpressionMetrics } from './impression-metrics.js';
import { newListId } from './list-id.js';
import {
  type Endpoint,
  type HitCheck,
  type ImpressionRow,
  ImpressionsRepository,
} from './impressions.repository.js';

/** What of a served list is recorded (a RecommendationList is one). */
export interface ServedList {
  modelVersion: number;
  path: string;
  items: readonly { movieId: number }[];
}

/** Who a list was served to: a user's list can be hit by that user's later rating; others cannot. */
export type Audience = { endpoint: 'user'; userId: number } | { endpoint: Exclude<Endpoint, 'user'> };

/** One endpoint and path of a version: lists served, and hits (null: the list cannot be hit). */
export interface PathQuality {
  endpoint: Endpoint;
  path: string;
  lists: number;
  hits: number | null;
  hitRate: number | null;
}

/** A version's online quality from the impressions kept (the last IMPRESSIONS_RETENTION_DAYS). */
export interface OnlineQuality {
  /** Users' lists served by the version, hit, and their ratio (null before any list). */
  lists: number;
  hits: number;
  hitRate: number | null;
  byPath: PathQuality[];
  retentionDays: number;
  hitWindowHours: number;
}

/** A batched write starts at once when this many impressions wait; else on the next tick. */
const FLUSH_ROWS = 1000;
const FLUSH_INTERVAL_MS = 1000;
/** Rows per INSERT statement (seven array parameters of this length). */
const MAX_BATCH_ROWS = 5000;
/**
 * A rating is matched against the lists this long after it arrived: a list served just before it,
 * by any replica, is in the table by then (each writes its buffer every second).
 */
const HIT_CHECK_DELAY_MS = 5000;
const PRUNE_INTERVAL_MS = 3_600_000;
/** A rating of at least this is a hit for the list that showed the movie (the relevance cut). */
const HIT_RATING = 4;

/**
 * Records every list served (an impression) and the hits later ratings give them, for the online
 * hit rate of each model version and path. Nothing here runs on the request path but a push into
 * a bounded buffer: the writes are batched every second (or every FLUSH_ROWS lists), and when the
 * buffer is full a new impression is dropped and counted rather than slowing the request.
 */
@Injectable()
export class ImpressionsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ImpressionsService.name);
  private readonly settings: AppConfig['impressions'];
  private pending: ImpressionRow[] = [];
  /** In the order the ratings arrived, so the due ones are a prefix. */
  private hitChecks: HitCheck[] = [];
  private writing?: Promise<void>;
  private pruning?: Promise<unknown>;
  private flushTimer?: NodeJS.Timeout;
  private pruneTimer?: NodeJS.Timeout;
  /** Version and path pairs whose hits counter exists, at 0 until the first hit. */
  private readonly hitSeries = new Set<string>();

  constructor(
    private readonly repository: ImpressionsRepository,
    private readonly metrics: ImpressionMetrics,
    private readonly config: AppConfig,
    private readonly http: HttpAdapterHost,
  ) {
    this.settings = config.impressions;
  }

  onApplicationBootstrap(): void {
    // A CLI command serves nothing and runs no schedule.
    if (!this.http.httpAdapter) return;
    if (this.settings.enabled) {
      this.flushTimer = setInterval(() => {
        if (!this.writing) this.flushInBackground();
      }, FLUSH_INTERVAL_MS);
      this.flushTimer.unref();
    }
    // Retention is the schedule's work: one process prunes (an api replica does not), whether or
    // not it records, so the rows of a time it did are still deleted.
    if (this.config.role !== 'api') {
      void this.prune();
      this.pruneTimer = setInterval(() => void this.prune(), PRUNE_INTERVAL_MS);
      this.pruneTimer.unref();
    }
  }

  /** Writes what is buffered, hit checks included, before the database connection closes. */
  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.flushTimer);
    clearInterval(this.pruneTimer);
    await this.pruning;
    await this.flush({ allHitChecks: true });
  }

  /**
   * Records `list` as served now and returns its id for the response. With IMPRESSIONS=false the
   * id is still given (the answer keeps its shape) and nothing is recorded or counted.
   */
  record(list: ServedList, audience: Audience): string {
    const servedAt = Date.now();
    const listId = newListId(servedAt);
    if (!this.settings.enabled) return listId;
    if (this.pending.length >= this.settings.bufferRows) {
      this.metrics.dropped.inc({ queue: 'impressions', reason: 'buffer-full' });
      return listId;
    }
    this.pending.push({
      listId,
      userId: audience.endpoint === 'user' ? audience.userId : null,
      endpoint: audience.endpoint,
      modelVersion: list.modelVersion,
      path: list.path,
      movieIds: list.items.map((item) => item.movieId),
      servedAt,
    });
    if (this.pending.length >= FLUSH_ROWS && !this.writing) this.flushInBackground();
    return listId;
  }

  /**
   * A rating arrived from a client: one >= 4 is checked, a few seconds later, against the newest
   * list the user was served before it. Never waits and never throws.
   */
  rated(userId: number, movieId: number, rating: number): void {
    if (!this.settings.enabled || rating < HIT_RATING) return;
    if (this.hitChecks.length >= this.settings.bufferRows) {
      this.metrics.dropped.inc({ queue: 'hit-checks', reason: 'buffer-full' });
      return;
    }
    this.hitChecks.push({ userId, movieId, ratedAt: Date.now() });
  }

  /**
   * Writes the buffered impressions, then matches the hit checks that are due (all of them with
   * `allHitChecks`, as at shutdown); after the write under way, if any. A failed write is logged
   * and counted, and its rows are dropped: the app goes on.
   */
  flush(options: { allHitChecks?: boolean } = {}): Promise<void> {
    const next = (this.writing ?? Promise.resolve()).then(() =>
      this.write(options.allHitChecks ? Number.POSITIVE_INFINITY : Date.now() - HIT_CHECK_DELAY_MS),
    );
    const tracked = next.finally(() => {
      if (this.writing === tracked) this.writing = undefined;
    });
    this.writing = tracked;
    return tracked;
  }

  /** A write nobody awaits: whatever goes wrong in it is logged, never an unhandled rejection. */
  private flushInBackground(): void {
    this.flush().catch((error: Error) => this.logger.error(`impressions not written: ${error.message}`));
  }

  /**
   * Deletes impressions older than IMPRESSIONS_RETENTION_DAYS and the oldest beyond
   * IMPRESSIONS_MAX_ROWS. A failure is logged; the next hour tries again.
   */
  async prune(now = Date.now()): Promise<{ expired: number; overBound: number } | undefined> {
    const before = now - this.settings.retentionDays * 86_400_000;
    const pruning = this.repository.prune(before, this.settings.maxRows).then(
      (deleted) => {
        if (deleted.expired + deleted.overBound > 0) this.logger.log(deleted, 'impressions pruned');
        return deleted;
      },
      (error: Error) => {
        this.logger.warn(`impressions not pruned: ${error.message}`);
        return undefined;
      },
    );
    this.pruning = pruning;
    return pruning;
  }

  /** The online quality of `modelVersion`: lists served, hits and hit rate, by endpoint and path. */
  async onlineQuality(modelVersion: number): Promise<OnlineQuality> {
    const rows = await this.repository.quality(modelVersion);
    const byPath = rows.map((row): PathQuality => {
      const canHit = row.endpoint === 'user';
      return {
        endpoint: row.endpoint,
        path: row.path,
        lists: row.lists,
        hits: canHit ? row.hits : null,
        hitRate: canHit ? row.hits / row.lists : null,
      };
    });
    const users = byPath.filter((row) => row.endpoint === 'user');
    const lists = users.reduce((sum, row) => sum + row.lists, 0);
    const hits = users.reduce((sum, row) => sum + (row.hits ?? 0), 0);
    return {
      lists,
      hits,
      hitRate: lists > 0 ? hits / lists : null,
      byPath,
      retentionDays: this.settings.retentionDays,
      hitWindowHours: this.settings.hitWindowHours,
    };
  }

  /**
   * A version's hits series exists from its first list on (at 0), so the hit rate reads 0, not
   * "no data", while nothing was hit; and an alert comparing versions sees it.
   */
  private exposeHits(version: string, path: string): void {
    const key = `${version}\u0000${path}`;
    if (this.hitSeries.has(key)) return;
    this.hitSeries.add(key);
    this.metrics.hits.inc({ version, path }, 0);
  }

  private async write(hitChecksDueBy: number): Promise<void> {
    // Rows recorded while a batch is written wait for the next round, unless a batch's worth did.
    do {
      const rows = this.pending;
      this.pending = [];
      for (let start = 0; start < rows.length; start += MAX_BATCH_ROWS) {
        const batch = rows.slice(start, start + MAX_BATCH_ROWS);
        try {
          await this.repository.insert(batch);
          this.countWritten(batch);
        } catch (error) {
          this.failed('impressions', batch.length, error as Error);
        }
      }
    } while (this.pending.length >= FLUSH_ROWS);
    let due = 0;
    while (due < this.hitChecks.length && this.hitChecks[due]!.ratedAt <= hitChecksDueBy) due++;
    if (due === 0) return;
    const checks = this.hitChecks.slice(0, due);
    this.hitChecks = this.hitChecks.slice(due);
    try {
      for (const hit of await this.repository.markHits(checks, this.settings.hitWindowHours)) {
        this.metrics.hits.inc({ version: String(hit.modelVersion), path: hit.path });
      }
    } catch (error) {
      this.failed('hit-checks', checks.length, error as Error);
    }
  }

  /**
   * Lists are counted once written, by batch: the hit rate's denominator is then the lists a
   * rating can hit, and the request path pays no counter.
   */
  private countWritten(rows: readonly ImpressionRow[]): void {
    const counts = new Map<string, { version: string; path: string; endpoint: Endpoint; n: number }>();
    for (const row of rows) {
      const key = `${row.modelVersion}\u0000${row.path}\u0000${row.endpoint}`;
      const count = counts.get(key);
      if (count) count.n++;
      else
        counts.set(key, { version: String(row.modelVersion), path: row.path, endpoint: row.endpoint, n: 1 });
    }
    for (const { version, path, endpoint, n } of counts.values()) {
      this.metrics.served.inc({ version, path, endpoint }, n);
      if (endpoint === 'user') this.exposeHits(version, path);
    }
  }

  private failed(queue: 'impressions' | 'hit-checks', rows: number, error: Error): void {
    this.metrics.writeFailures.inc();
    this.metrics.dropped.inc({ queue, reason: 'write-failed' }, rows);
    this.logger.warn(`${rows} ${queue} not written (dropped): ${error.message}`);
  }
}
