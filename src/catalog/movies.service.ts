import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ListMoviesQuery, MovieSort } from './dto/list-movies.query.js';
import type { MovieDto, MoviePageDto } from './dto/movie.dto.js';
import { datasetGenreName } from './genres.js';

interface MovieRow {
  id: number;
  title: string;
  year: number | null;
  genres: string[];
  rating_count: number;
  rating_mean: number | null;
  total?: string;
}

const COLUMNS = 'id, title, year, genres, rating_count, rating_mean';

const ORDER_BY: Record<MovieSort, string> = {
  // $1 is the search text as a LIKE prefix pattern: titles that start with it come first.
  // Without a search, relevance is popularity.
  relevance: '(title ILIKE $1) DESC, rating_count DESC, id',
  id: 'id',
  title: 'title, id',
  year: 'year DESC NULLS LAST, id',
  popularity: 'rating_count DESC, id',
};

function toDto(row: MovieRow): MovieDto {
  return {
    id: row.id,
    title: row.title,
    year: row.year,
    genres: row.genres,
    ratingCount: row.rating_count,
    ratingMean: row.rating_mean === null ? null : Math.round(row.rating_mean * 100) / 100,
  };
}

/** LIKE treats % and _ as wildcards; a user searching for "100%" means the character. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

@Injectable()
export class MoviesService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(query: ListMoviesQuery): Promise<MoviePageDto> {
    const search = query.search?.trim() || undefined;
    const requested = query.sort ?? (search ? 'relevance' : 'id');
    const sort = requested === 'relevance' && !search ? 'popularity' : requested;
    const params: unknown[] = [];
    const where: string[] = [];
    if (search) {
      params.push(`${escapeLike(search)}%`);
      where.push(`title ILIKE '%' || $1`);
    }
    if (query.genre) {
      params.push(datasetGenreName(query.genre));
      where.push(`genres @> ARRAY[$${params.length}::text]`);
    }
    const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    params.push(query.limit, (query.page - 1) * query.limit);
    const rows = await this.db.query<MovieRow[]>(
      `SELECT ${COLUMNS}, count(*) OVER () AS total FROM movies ${filter}
       ORDER BY ${ORDER_BY[sort]} LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    // Past the last page no row carries the total, so it is counted on its own.
    const total = rows[0]
      ? Number(rows[0].total)
      : Number(
          (
            await this.db.query<{ count: string }[]>(
              `SELECT count(*) FROM movies ${filter}`,
              params.slice(0, -2),
            )
          )[0]?.count ?? 0,
        );
    return { items: rows.map(toDto), total, page: query.page, limit: query.limit };
  }

  async get(id: number): Promise<MovieDto> {
    const [row] = await this.db.query<MovieRow[]>(`SELECT ${COLUMNS} FROM movies WHERE id = $1`, [id]);
    if (!row) throw new NotFoundException(`movie ${id} not found`);
    return toDto(row);
  }
}
