import { onlineCounts, trafficSteps } from './replay-traffic.js';

const rating = (userId: number, movieId: number, value: number, timestamp: number) => ({
  userId,
  movieId,
  rating: value,
  timestamp,
});

describe('trafficSteps', () => {
  it('asks for the list before exactly the ratings the replay protocol scores', () => {
    const train = [rating(1, 10, 4, 1), rating(2, 20, 4, 2)];
    const steps = trafficSteps(train, [
      rating(3, 10, 5, 10), // a new user's first rating: no list
      rating(3, 20, 4, 11), // their second, >= 4, a movie in training: list
      rating(1, 20, 3.5, 12), // below 4: no list
      rating(1, 99, 5, 13), // a movie training does not hold: no list
      rating(2, 10, 4.5, 14), // a known user: list
    ]);
    expect(steps.map((step) => step.askList)).toEqual([false, true, false, false, true]);
  });
});

describe('onlineCounts', () => {
  it('sums the user lists served and the hits over versions and paths', () => {
    const metrics = [
      '# HELP movie_reco_impressions_total Recommendation lists served',
      'movie_reco_impressions_total{version="3",path="session",endpoint="user"} 7',
      'movie_reco_impressions_total{version="3",path="returning",endpoint="user"} 5',
      'movie_reco_impressions_total{version="3",path="taste",endpoint="taste"} 40',
      'movie_reco_impression_hits_total{version="3",path="session"} 2',
      'movie_reco_impression_hits_total{version="3",path="returning"} 1',
      'movie_reco_impressions_dropped_total{queue="impressions",reason="buffer-full"} 9',
    ].join('\n');
    expect(onlineCounts(metrics)).toEqual({ impressions: 12, hits: 3 });
  });
});
