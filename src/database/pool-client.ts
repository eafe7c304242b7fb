import type { PoolClient } from 'pg';
import type { DataSource, QueryRunner } from 'typeorm';

/**
 * The raw `pg` connection behind a TypeORM query runner. COPY streams, advisory locks, LISTEN and
 * NOTIFY need the driver's own client; TypeORM's postgres driver keeps it as
 * `databaseConnection`, which its public types do not declare.
 */
function clientOf(runner: QueryRunner): PoolClient {
  const client = (runner as QueryRunner & { databaseConnection?: PoolClient }).databaseConnection;
  if (!client) throw new Error('the query runner holds no PostgreSQL connection: connect it first');
  return client;
}

/** A connection of the pool held until `release()`; for work that spans several statements. */
export interface HeldClient {
  client: PoolClient;
  release(): Promise<void>;
}

export async function holdClient(dataSource: DataSource): Promise<HeldClient> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  return { client: clientOf(runner), release: () => runner.release() };
}

/** Runs `work` on one connection inside a transaction: committed when it resolves, else rolled back. */
export async function inTransaction<T>(
  dataSource: DataSource,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  return dataSource.transaction((manager) => work(clientOf(manager.queryRunner!)));
}
