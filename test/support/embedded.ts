import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

/** The pid of the PostgreSQL server running on an embedded data folder. */
export function postmasterPid(dataDir: string): number {
  return Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
}

/**
 * A connection to the app's database on a running embedded server, as the app is (its own role)
 * or as the superuser, with the password the data folder keeps.
 */
export async function connectEmbedded(
  env: Record<string, string>,
  as: 'app' | 'superuser',
): Promise<pg.Client> {
  const dataDir = env.PG_DATA_DIR!;
  const client = new pg.Client({
    host: '127.0.0.1',
    port: Number(env.PG_PORT),
    user: as === 'app' ? 'movie_reco' : 'postgres',
    password: readFileSync(
      join(dataDir, as === 'app' ? 'movie-reco-app-password' : 'movie-reco-password'),
      'utf8',
    ).trim(),
    database: 'movie_reco',
  });
  await client.connect();
  return client;
}
