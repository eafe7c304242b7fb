import { BadRequestException, type ArgumentMetadata } from '@nestjs/common';
import { createValidationPipe } from '../../common/validation.js';
import { CreateRatingBody, isRatingValue, RATING_RULE } from './create-rating.body.js';
import { decimalInt } from '../../common/integer-param.js';
import { IdParam, PageQuery } from '../../common/paging.js';

const pipe = createValidationPipe();

async function problems(value: unknown, metadata: ArgumentMetadata): Promise<string[]> {
  try {
    await pipe.transform(value, metadata);
    return [];
  } catch (error) {
    if (!(error instanceof BadRequestException)) throw error;
    return (error.getResponse() as { message: string[] }).message;
  }
}

const body = { type: 'body', metatype: CreateRatingBody } as const;
const param = { type: 'param', metatype: IdParam } as const;
const query = { type: 'query', metatype: PageQuery } as const;

describe('decimalInt', () => {
  it.each([
    ['5', 5],
    ['2147483647', 2147483647],
    ['007', 7],
  ])('reads %j as %j', (text, number) => {
    expect(decimalInt({ value: text })).toBe(number);
  });

  it.each(['0x10', '1e3', '+5', '-5', ' 5', '5 ', '5.0', '', 'five', '٣'])('leaves %j as it is', (text) => {
    expect(decimalInt({ value: text })).toBe(text);
  });

  it('leaves a repeated parameter (an array) as it is', () => {
    expect(decimalInt({ value: ['1', '2'] })).toEqual(['1', '2']);
  });
});

describe('isRatingValue', () => {
  it('accepts 0.5 to 5.0 in steps of 0.5', () => {
    for (let tenths = 5; tenths <= 50; tenths += 5) expect(isRatingValue(tenths / 10)).toBe(true);
  });

  it.each([0, 0.25, 3.3, 5.5, -1, Number.NaN, Number.POSITIVE_INFINITY, '4', null])('rejects %p', (value) => {
    expect(isRatingValue(value)).toBe(false);
  });
});

describe('CreateRatingBody', () => {
  it('accepts a movie id and a rating', async () => {
    await expect(pipe.transform({ movieId: 3, rating: 4.5 }, body)).resolves.toEqual({
      movieId: 3,
      rating: 4.5,
    });
  });

  it.each([
    [{ movieId: 1, rating: 0 }, RATING_RULE],
    [{ movieId: 1, rating: 5.5 }, RATING_RULE],
    [{ movieId: 1, rating: 3.3 }, RATING_RULE],
    [{ movieId: 1, rating: '4' }, 'rating must be a number'],
    [{ movieId: 1, rating: null }, 'rating must be a number'],
    [{ movieId: 1 }, 'rating must be a number'],
    [{ movieId: '1', rating: 4 }, 'movieId must be a positive integer'],
    [{ movieId: 0, rating: 4 }, 'movieId must be a positive integer'],
    [{ movieId: 1.5, rating: 4 }, 'movieId must be a positive integer'],
    [{ movieId: 2 ** 31, rating: 4 }, 'movieId must be at most 2147483647'],
    [
      { movieId: 1, rating: 4, comment: 'great' },
      'property comment should not exist; accepted: movieId, rating',
    ],
  ])('rejects %j: %s', async (value, message) => {
    expect(await problems(value, body)).toEqual([message]);
  });
});

describe('IdParam', () => {
  it('reads a decimal id', async () => {
    await expect(pipe.transform({ id: '42' }, param)).resolves.toEqual({ id: 42 });
  });

  it.each([
    ['0', 'id must be a positive integer'],
    ['-1', 'id must be a positive integer'],
    ['0x10', 'id must be a positive integer'],
    ['1e3', 'id must be a positive integer'],
    ['+5', 'id must be a positive integer'],
    [' 5', 'id must be a positive integer'],
    ['5.0', 'id must be a positive integer'],
    ['2147483648', 'id must be at most 2147483647'],
    ['9'.repeat(400), 'id must be a positive integer'],
  ])('rejects %j', async (id, message) => {
    expect(await problems({ id }, param)).toEqual([message]);
  });
});

describe('PageQuery', () => {
  it('defaults to the first page of 20', async () => {
    await expect(pipe.transform({}, query)).resolves.toEqual({ page: 1, limit: 20 });
  });

  it('reads page and limit', async () => {
    await expect(pipe.transform({ page: '3', limit: '100' }, query)).resolves.toEqual({
      page: 3,
      limit: 100,
    });
  });

  it.each([
    [{ page: '0' }, 'page must not be less than 1'],
    [{ limit: '0' }, 'limit must not be less than 1'],
    [{ limit: '101' }, 'limit must not be greater than 100'],
    [{ limit: '1e1' }, 'limit must be an integer'],
    [{ page: '0x2' }, 'page must be an integer'],
    [{ page: '' }, 'page must be an integer'],
    [{ page: ['1', '2'] }, 'page must be an integer'],
    [{ sort: 'title' }, 'property sort should not exist; accepted: page, limit'],
  ])('rejects %j: %s', async (value, message) => {
    expect(await problems(value, query)).toEqual([message]);
  });
});
