import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { ListMoviesQuery } from './dto/list-movies.query.js';
import type { MovieDto, MoviePageDto } from './dto/movie.dto.js';
import { datasetGenreName } from './genres.js';
import { Movie } from './movie.entity.js';

function toDto(movie: Movie): MovieDto {
  return {
    id: movie.id,
    title: movie.title,
    year: movie.year,
    genres: movie.genres,
    ratingCount: movie.ratingCount,
    ratingMean: movie.ratingMean === null ? null : Math.round(movie.ratingMean * 100) / 100,
  };
}

/** LIKE treats % and _ as wildcards; a user searching for "100%" means the character. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

@Injectable()
export class MoviesService {
  constructor(@InjectRepository(Movie) private readonly movies: Repository<Movie>) {}

  async list(query: ListMoviesQuery): Promise<MoviePageDto> {
    const builder = this.movies.createQueryBuilder('movie');
    const search = query.search?.trim();
    if (search) {
      builder.andWhere(`movie.title ILIKE :pattern`, { pattern: `%${escapeLike(search)}%` });
    }
    if (query.genre) {
      builder.andWhere(':genre = ANY(movie.genres)', { genre: datasetGenreName(query.genre) });
    }
    const sort = query.sort ?? (search ? 'relevance' : 'id');
    switch (sort) {
      case 'relevance':
        builder
          .addSelect('(movie.title ILIKE :prefix)', 'starts_with')
          .setParameter('prefix', `${escapeLike(search ?? '')}%`)
          .orderBy('starts_with', 'DESC')
          .addOrderBy('movie.rating_count', 'DESC');
        break;
      case 'title':
        builder.orderBy('movie.title', 'ASC');
        break;
      case 'year':
        builder.orderBy('movie.year', 'DESC', 'NULLS LAST');
        break;
      case 'popularity':
        builder.orderBy('movie.rating_count', 'DESC');
        break;
      case 'id':
        break;
    }
    builder
      .addOrderBy('movie.id', 'ASC')
      .skip((query.page - 1) * query.limit)
      .take(query.limit);
    const [movies, total] = await builder.getManyAndCount();
    return { items: movies.map(toDto), total, page: query.page, limit: query.limit };
  }

  async get(id: number): Promise<MovieDto> {
    const movie = await this.movies.findOneBy({ id });
    if (!movie) throw new NotFoundException(`movie ${id} not found`);
    return toDto(movie);
  }
}
