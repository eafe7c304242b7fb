import { datasetGenreName, GENRE_KEYS } from './genres.js';

describe('datasetGenreName', () => {
  it('has the twenty MovieLens genres', () => {
    expect(GENRE_KEYS).toHaveLength(20);
  });

  it.each([
    ['sci_fi', 'Sci-Fi'],
    ['Sci-Fi', 'Sci-Fi'],
    ['sci-fi', 'Sci-Fi'],
    ['FILM_NOIR', 'Film-Noir'],
    ['no_genres_listed', '(no genres listed)'],
    [' drama ', 'Drama'],
  ])('maps %j to %j', (input, name) => {
    expect(datasetGenreName(input)).toBe(name);
  });

  it('knows no genre called "space opera"', () => {
    expect(datasetGenreName('space opera')).toBeUndefined();
  });
});
