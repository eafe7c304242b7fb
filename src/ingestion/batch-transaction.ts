import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import { holdClient, type HeldClient } from '../database/pool-client.js';

/** Serialises data loads with anything else that writes batches. */
const INGEST_LOCK_KEY = 'movie-reco:ingest';

/**
 * The one transaction a batch is applied in, and the only code that begins, commits or rolls it
 * back: ingest begins it, transform commits it, a rejected batch or a failed run rolls it back.
 * Nothing of the batch is visible to others until it commits.
 */
export class BatchTransaction {
  private held?: HeldClient;

  private constructor(held: HeldClient) {
    this.held = held;
  }

  static async begin(dataSource: DataSource): Promise<BatchTransaction> {
    const transaction = await BatchTransaction.tryBegin(dataSource, { wait: true });
    if (!transaction) throw new Error('the ingest lock was not taken');
    return transaction;
  }

  /**
   * As `begin`; with `wait: false`, undefined at once when another batch holds the lock (an API
   * request should not wait the length of a run's ingest).
   */
  static async tryBegin(
    dataSource: DataSource,
    options: { wait: boolean },
  ): Promise<BatchTransaction | undefined> {
    const held = await holdClient(dataSource);
    try {
      await held.client.query('BEGIN');
      if (options.wait) {
        await held.client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [INGEST_LOCK_KEY]);
      } else {
        const { rows } = await held.client.query<{ locked: boolean }>(
          'SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked',
          [INGEST_LOCK_KEY],
        );
        if (!rows[0]?.locked) {
          await held.client.query('ROLLBACK');
          await held.release();
          return undefined;
        }
      }
    } catch (error) {
      await held.client.query('ROLLBACK').catch(() => undefined);
      await held.release();
      throw error;
    }
    return new BatchTransaction(held);
  }

  get open(): boolean {
    return this.held !== undefined;
  }

  get client(): PoolClient {
    if (!this.held) throw new Error('the batch transaction has ended');
    return this.held.client;
  }

  /**
   * Commits, then runs `afterCommit` on the same connection (work that must see the committed
   * data but may fail without undoing it) before handing the connection back.
   */
  async commit(afterCommit?: (client: PoolClient) => Promise<void>): Promise<void> {
    const held = this.end();
    try {
      await held.client.query('COMMIT');
      await afterCommit?.(held.client);
    } finally {
      await held.release();
    }
  }

  /** Undoes everything of the batch; nothing happens when it has already ended. */
  async rollback(): Promise<void> {
    if (!this.held) return;
    const held = this.end();
    try {
      await held.client.query('ROLLBACK');
    } finally {
      await held.release();
    }
  }

  private end(): HeldClient {
    const held = this.held;
    if (!held) throw new Error('the batch transaction has ended');
    this.held = undefined;
    return held;
  }
}
