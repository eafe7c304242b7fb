import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMovieLensFolder, MovieLensFolderError } from './movielens-folder.js';

describe('loadMovieLensFolder', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'movie-reco-eval-folder-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  function folder(name: string, movies: string, ratings: string): string {
    const dir = join(root, name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'movies.csv'), movies);
    writeFileSync(join(dir, 'ratings.csv'), ratings);
    return dir;
  }

  it('reads good rows with the ingestion parser and skips bad ones', async () => {
    const dir = folder(
      'mixed',
      [
        'movieId,title,genres',
        '1,Toy Story (1995),Adventure|Animation',
        '2,"American President, The (1995)",Comedy|Drama|Romance',
        'x,Broken,Drama', // bad movieId
        '2,American President (1995),Drama', // duplicate: the later line wins
      ].join('\n'),
      [
        'userId,movieId,rating,timestamp',
        '1,1,4.0,964982703',
        '1,2,3.5,964981247',
        '2,1,7.0,964982224', // rating out of range
        '2,3,4.0,964982224', // movie 3 is not in movies.csv
        '3,1,2.0,964982000',
        '3,1,4.5,964983000', // duplicate: the latest wins
        '3,2,1.0,964983500',
        '3,2,5.0,964983500', // same moment: the later line wins
        '4,1,4.0',
      ].join('\n'),
    );
    const loaded = await loadMovieLensFolder(dir);
    expect(loaded.name).toBe('mixed');
    expect(loaded.movies).toEqual([
      { id: 1, title: 'Toy Story (1995)', year: 1995, genres: ['Adventure', 'Animation'] },
      { id: 2, title: 'American President (1995)', year: 1995, genres: ['Drama'] },
    ]);
    expect(loaded.ratings).toEqual([
      { userId: 1, movieId: 1, rating: 4, timestamp: 964982703 },
      { userId: 1, movieId: 2, rating: 3.5, timestamp: 964981247 },
      { userId: 3, movieId: 1, rating: 4.5, timestamp: 964983000 },
      { userId: 3, movieId: 2, rating: 5, timestamp: 964983500 },
    ]);
    // movies: 1 malformed + 1 duplicate; ratings: 2 malformed + 1 unknown movie + 2 superseded
    expect(loaded.skipped).toEqual({ movies: 2, ratings: 5 });
  });

  it('accepts files without a header line', async () => {
    const dir = folder('headerless', '1,Heat (1995),Action\n', '1,1,4.0,964982703\n');
    const loaded = await loadMovieLensFolder(dir);
    expect(loaded.movies).toHaveLength(1);
    expect(loaded.ratings).toHaveLength(1);
  });

  it('says clearly when the folder or a file is missing', async () => {
    await expect(loadMovieLensFolder(join(root, 'nowhere'))).rejects.toThrow(
      new MovieLensFolderError(`the folder ${join(root, 'nowhere')} does not exist`),
    );
    const dir = join(root, 'no-ratings');
    mkdirSync(dir);
    writeFileSync(join(dir, 'movies.csv'), 'movieId,title,genres\n');
    await expect(loadMovieLensFolder(dir)).rejects.toThrow(`${dir} has no ratings.csv`);
  });
});
