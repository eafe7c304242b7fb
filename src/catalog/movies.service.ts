import { Injectable, Logger, NotFoundException, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DATA_CHANNEL } from '../database/channels.js';
import { NotificationListener } from '../database/notification-listener.js';
import { CatalogIndex } from './catalog-index.js';
import type { ListMoviesQuery } from './dto/list-movies.query.js';
import type { MovieDto, MoviePageDto } from './dto/movie.dto.js';
import { type MovieListing, MoviesRepository } from './movies.repository.js';
import { datasetGenreName } from '../core/index.js';

function toDto(row: MovieListing): MovieDto {
  return {
    id: row.id,
    title: row.title,
    year: row.year,
    genres: row.genres,
    ratingCount: row.rating_count,
    ratingMean: row.rating_mean === null ? null : Math.round(row.rating_mean * 100) / 100,
  };
}

/**
 * Browse and search answered from memory: the whole catalog is read once, at the first request,
 * into a CatalogIndex, and read again whenever a batch is applied (NOTIFY on DATA_CHANNEL: a
 * batch is what adds movies and refreshes their rating counts), from any process on the database.
 * The new index replaces the old one in one assignment. Loading at the first request rather than
 * at start keeps the command line, which shares this module, from holding a catalog it never serves.
 */
@Injectable()
export class MoviesService implements OnApplicationShutdown {
  private readonly logger = new Logger(MoviesService.name);
  private index?: CatalogIndex;
  private loading?: Promise<CatalogIndex>;
  private listener?: NotificationListener;
  private refreshing = false;
  private refreshAgain = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly movies: MoviesRepository,
  ) {}

  async list(query: ListMoviesQuery): Promise<MoviePageDto> {
    const genre = query.genre === undefined ? undefined : datasetGenreName(query.genre);
    return (await this.catalog()).list({ ...query, genre });
  }

  async get(id: number): Promise<MovieDto> {
    const movie = (await this.catalog()).get(id);
    if (!movie) throw new NotFoundException(`movie ${id} not found`);
    return movie;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listener?.stop();
  }

  private catalog(): CatalogIndex | Promise<CatalogIndex> {
    if (this.index) return this.index;
    this.loading ??= this.start().finally(() => (this.loading = undefined));
    return this.loading;
  }

  /** Listens first, then reads: a batch applied in between is heard, not missed. */
  private async start(): Promise<CatalogIndex> {
    if (!this.listener) {
      const listener = new NotificationListener(
        this.db,
        [DATA_CHANNEL],
        this.logger,
        () => this.refresh(),
        () => this.reload(),
      );
      await listener.start();
      this.listener = listener;
    }
    await this.reload();
    return this.index!;
  }

  /** One reload at a time; notifications heard meanwhile make one more. */
  private refresh(): void {
    if (this.refreshing) {
      this.refreshAgain = true;
      return;
    }
    this.refreshing = true;
    this.reload()
      .catch((error: Error) => this.logger.error(`could not reload the catalog: ${error.message}`))
      .finally(() => {
        this.refreshing = false;
        if (this.refreshAgain) {
          this.refreshAgain = false;
          this.refresh();
        }
      });
  }

  private async reload(): Promise<void> {
    const rows = await this.movies.listings();
    this.index = new CatalogIndex(rows.map(toDto));
    this.logger.debug(`catalog in memory: ${rows.length} movies`);
  }
}
