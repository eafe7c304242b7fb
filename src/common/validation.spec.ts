import { BadRequestException } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsNumber, IsOptional, IsString, Min, ValidateNested } from 'class-validator';
import { IdParam, PageQuery } from './paging.js';
import { createValidationPipe } from './validation.js';

/** A JSON body of numbers, like the genre taste. */
class GenreTasteBody {
  @IsOptional()
  @Min(0)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'comedy must be a number' })
  comedy?: number;

  @IsOptional()
  @IsInt()
  limit?: number;
}

const pipe = createValidationPipe();
const asQuery = { type: 'query', metatype: PageQuery } as const;
const asParam = { type: 'param', metatype: IdParam } as const;
const asBody = { type: 'body', metatype: GenreTasteBody } as const;

async function messagesOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return (error as BadRequestException).getResponse();
  }
  throw new Error('expected a 400');
}

describe('the validation pipe on path, query and body objects', () => {
  it('answers a repeated query with an equal DTO of its own, not a shared one', async () => {
    const first = (await pipe.transform({ limit: '30' }, asQuery)) as PageQuery;
    const second = (await pipe.transform({ limit: '30' }, asQuery)) as PageQuery;
    expect(second).toBeInstanceOf(PageQuery);
    expect(second).toEqual({ page: 1, limit: 30 });
    expect(second).not.toBe(first);
    second.limit = 99;
    expect(await pipe.transform({ limit: '30' }, asQuery)).toEqual({ page: 1, limit: 30 });
  });

  it('keeps the class defaults of an empty query', async () => {
    await pipe.transform({}, asQuery);
    expect(await pipe.transform({}, asQuery)).toEqual({ page: 1, limit: 20 });
  });

  it('refuses bad text every time, also after good text was seen', async () => {
    await pipe.transform({ id: '7' }, asParam);
    for (let attempt = 0; attempt < 2; attempt++) {
      expect(await messagesOf(pipe.transform({ id: '0x7' }, asParam))).toEqual({
        message: ['id must be a positive integer'],
      });
      expect(await messagesOf(pipe.transform({ limit: '20', extra: '1' }, asQuery))).toEqual({
        message: ['property extra should not exist; accepted: page, limit'],
      });
    }
  });

  it('tells the same text apart by the class it is validated into', async () => {
    expect(await pipe.transform({ id: '3' }, asParam)).toEqual({ id: 3 });
    expect(await messagesOf(pipe.transform({ id: '3' }, asQuery))).toEqual({
      message: ['property id should not exist; accepted: page, limit'],
    });
  });

  it('names the fields a DTO accepts beside a field it does not, its own and inherited ones', async () => {
    class SearchQuery extends PageQuery {
      @IsOptional()
      @IsString()
      search?: string;
    }
    expect(
      await messagesOf(pipe.transform({ q: 'matrix' }, { type: 'query', metatype: SearchQuery })),
    ).toEqual({
      message: ['property q should not exist; accepted: search, page, limit'],
    });
  });

  it('names the fields of the nested object an unknown field is in', async () => {
    class Window {
      @IsInt()
      from!: number;
    }
    class Wrapper {
      @ValidateNested()
      @Type(() => Window)
      window!: Window;
    }
    const metadata = { type: 'body', metatype: Wrapper } as const;
    expect(await messagesOf(pipe.transform({ window: { from: 1, to: 2 } }, metadata))).toEqual({
      message: ['property window.to should not exist; accepted: from'],
    });
  });

  it('tells a number from its text in a body seen before', async () => {
    expect(await pipe.transform({ comedy: 2, limit: 5 }, asBody)).toMatchObject({ comedy: 2, limit: 5 });
    expect(await pipe.transform({ comedy: 2, limit: 5 }, asBody)).toBeInstanceOf(GenreTasteBody);
    expect(await messagesOf(pipe.transform({ comedy: '2', limit: 5 }, asBody))).toEqual({
      message: ['comedy must be a number'],
    });
  });
});
