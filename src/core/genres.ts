/** The twenty MovieLens genres: API field name (snake_case) and the name the dataset uses. */
export const GENRES = {
  action: 'Action',
  adventure: 'Adventure',
  animation: 'Animation',
  children: 'Children',
  comedy: 'Comedy',
  crime: 'Crime',
  documentary: 'Documentary',
  drama: 'Drama',
  fantasy: 'Fantasy',
  film_noir: 'Film-Noir',
  horror: 'Horror',
  imax: 'IMAX',
  musical: 'Musical',
  mystery: 'Mystery',
  romance: 'Romance',
  sci_fi: 'Sci-Fi',
  thriller: 'Thriller',
  war: 'War',
  western: 'Western',
  no_genres_listed: '(no genres listed)',
} as const;

export type GenreKey = keyof typeof GENRES;
export const GENRE_KEYS = Object.keys(GENRES) as GenreKey[];

const BY_LOOSE_NAME = new Map<string, string>(
  Object.entries(GENRES).flatMap(([key, name]) => [
    [key, name],
    [name.toLowerCase(), name],
  ]),
);

/** The dataset's genre name for an API spelling ("sci_fi", "Sci-Fi", "sci-fi"), if it is one. */
export function datasetGenreName(input: string): string | undefined {
  const loose = input.trim().toLowerCase();
  return BY_LOOSE_NAME.get(loose) ?? BY_LOOSE_NAME.get(loose.replace(/-/g, '_'));
}
