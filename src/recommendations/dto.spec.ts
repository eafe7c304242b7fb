import { BadRequestException } from '@nestjs/common';
import { createValidationPipe } from '../common/validation.js';
import { GenreTasteBody, MAX_TASTE_WEIGHT } from './dto.js';

const pipe = createValidationPipe();
const body = { type: 'body', metatype: GenreTasteBody } as const;

async function problems(value: unknown): Promise<string[]> {
  try {
    await pipe.transform(value, body);
    return [];
  } catch (error) {
    if (!(error instanceof BadRequestException)) throw error;
    return (error.getResponse() as { message: string[] }).message;
  }
}

describe('GenreTasteBody', () => {
  it('accepts weights from 0 to 1000', async () => {
    expect(await problems({ comedy: 0, drama: MAX_TASTE_WEIGHT, action: 2.5 })).toEqual([]);
  });

  it.each([
    [{ comedy: 1e39 }, 'comedy must be between 0 and 1000'],
    [{ comedy: 1000.5 }, 'comedy must be between 0 and 1000'],
    [{ drama: -1 }, 'drama must be between 0 and 1000'],
    [{ comedy: 'abc' }, 'comedy must be a number'],
    [{ comedy: '5' }, 'comedy must be a number'],
    [{ comedy: [1] }, 'comedy must be a number'],
    [{ comedy: { a: 1 } }, 'comedy must be a number'],
  ])('rejects %j: %s', async (value, message) => {
    expect(await problems(value)).toEqual([message]);
  });

  it('rejects a field that is not a genre, naming the genres it accepts', async () => {
    const [message] = await problems({ colour: 1 });
    expect(message).toMatch(/^property colour should not exist; accepted: limit, action, adventure, /);
    expect(message).toContain('sci_fi');
  });
});
