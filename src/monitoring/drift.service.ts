import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { GENRES } from '../catalog/genres.js';
import { AppConfig } from '../config/app-config.js';
import { kolmogorovSmirnov, populationStabilityIndex } from './drift.js';

export interface DriftReport {
  /** What the batch was compared with. */
  reference: string;
  measures: { rating_psi: number | null; genre_psi: number | null; activity_ks: number | null };
  thresholds: { psi: number; ks: number };
  /** The measures over their threshold. */
  drifted: string[];
}

const RATING_BINS = Array.from({ length: 10 }, (_, i) => (i + 1) / 2);
const GENRE_NAMES = Object.values(GENRES) as string[];

const round = (value: number) => Math.round(value * 10_000) / 10_000;

/**
 * Compares a staged batch (staging_ratings, in the caller's transaction) with the ratings already
 * applied: the rating distribution and the genre shares of rated movies by PSI, the ratings per
 * user by KS against the previous batch. Until a model is trained, the applied data stands for
 * "the data the production model was trained on".
 */
@Injectable()
export class DriftService {
  constructor(private readonly config: AppConfig) {}

  async measure(client: PoolClient): Promise<DriftReport> {
    const { psi: psiThreshold, ks: ksThreshold } = this.config.drift;
    const reference = await client.query<{ count: string }>(
      'SELECT count(*) FROM ratings WHERE batch_id IS NOT NULL',
    );
    const referenceSize = Number(reference.rows[0]?.count ?? 0);
    const measures: DriftReport['measures'] = { rating_psi: null, genre_psi: null, activity_ks: null };
    if (referenceSize > 0) {
      measures.rating_psi = round(
        populationStabilityIndex(
          await this.ratingHistogram(client, 'ratings WHERE batch_id IS NOT NULL'),
          await this.ratingHistogram(client, 'staging_ratings'),
        ),
      );
      measures.genre_psi = round(
        populationStabilityIndex(
          await this.genreHistogram(client, 'ratings WHERE batch_id IS NOT NULL'),
          await this.genreHistogram(client, 'staging_ratings'),
        ),
      );
      const previous = await this.activity(
        client,
        `ratings WHERE batch_id = (SELECT id FROM data_batches WHERE version IS NOT NULL ORDER BY version DESC LIMIT 1)`,
      );
      const current = await this.activity(client, 'staging_ratings');
      if (previous.length > 0 && current.length > 0)
        measures.activity_ks = round(kolmogorovSmirnov(previous, current));
    }
    const drifted = Object.entries(measures)
      .filter(
        ([name, value]) => value !== null && value > (name.endsWith('_ks') ? ksThreshold : psiThreshold),
      )
      .map(([name]) => name);
    return {
      reference: referenceSize > 0 ? `${referenceSize} applied ratings` : 'none (first batch)',
      measures,
      thresholds: { psi: psiThreshold, ks: ksThreshold },
      drifted,
    };
  }

  private async ratingHistogram(client: PoolClient, from: string): Promise<Float64Array> {
    const { rows } = await client.query<{ rating: number; count: string }>(
      `SELECT rating, count(*) FROM ${from} GROUP BY rating`,
    );
    const histogram = new Float64Array(RATING_BINS.length);
    for (const row of rows) {
      const bin = Math.round(row.rating * 2) - 1;
      if (bin >= 0 && bin < histogram.length) histogram[bin] = Number(row.count);
    }
    return histogram;
  }

  private async genreHistogram(client: PoolClient, from: string): Promise<Float64Array> {
    const { rows } = await client.query<{ genre: string; count: string }>(
      `SELECT genre, count(*) FROM (SELECT movie_id FROM ${from}) r
       JOIN movies m ON m.id = r.movie_id, unnest(m.genres) AS genre GROUP BY genre`,
    );
    const histogram = new Float64Array(GENRE_NAMES.length);
    for (const row of rows) {
      const index = GENRE_NAMES.indexOf(row.genre);
      if (index >= 0) histogram[index] = Number(row.count);
    }
    return histogram;
  }

  private async activity(client: PoolClient, from: string): Promise<Float64Array> {
    const { rows } = await client.query<{ count: string }>(`SELECT count(*) FROM ${from} GROUP BY user_id`);
    return Float64Array.from(rows, (row) => Number(row.count));
  }
}
