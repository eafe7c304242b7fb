import { type DataSource, MigrationExecutor } from 'typeorm';

/** A table the revert would drop, and the rows it holds now. */
export interface TableLoss {
  table: string;
  rows: number;
}

export type RevertOutcome = { status: 'none' } | { status: 'reverted' | 'declined'; name: string };

/** A migration whose `down` copies the rows of these tables elsewhere before dropping them. */
interface KeepsRows {
  keepsRowsOf?: readonly string[];
}

/**
 * Reverts the newest migration in one transaction, and before committing compares the tables with
 * data before and after: when the revert dropped any of them, `confirm` decides (commit or roll
 * back). The check is what the revert actually did, not a guess from its SQL.
 */
export async function revertLastMigration(
  dataSource: DataSource,
  confirm: (losses: TableLoss[]) => Promise<boolean>,
): Promise<RevertOutcome> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    const executor = new MigrationExecutor(dataSource, runner);
    if (!(await runner.hasTable('migrations'))) return { status: 'none' };
    const [last] = await runner.query(`SELECT name FROM migrations ORDER BY id DESC LIMIT 1`);
    if (!last) return { status: 'none' };
    await runner.startTransaction();
    try {
      const before = await tablesWithRows(runner.query.bind(runner));
      executor.transaction = 'none';
      await executor.undoLastMigration();
      const left = new Set(
        (
          (await runner.query(`SELECT tablename FROM pg_tables WHERE schemaname = current_schema()`)) as {
            tablename: string;
          }[]
        ).map((row) => row.tablename),
      );
      const migration = dataSource.migrations.find((m) => m.name === last.name) as KeepsRows | undefined;
      const kept = new Set(migration?.keepsRowsOf ?? []);
      const losses = before.filter((t) => !left.has(t.table) && !kept.has(t.table));
      if (losses.length > 0 && !(await confirm(losses))) {
        await runner.rollbackTransaction();
        return { status: 'declined', name: last.name as string };
      }
      await runner.commitTransaction();
      return { status: 'reverted', name: last.name as string };
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      throw error;
    }
  } finally {
    await runner.release();
  }
}

/** The schema's tables holding at least one row (the migrations table aside). */
async function tablesWithRows(query: (sql: string) => Promise<unknown>): Promise<TableLoss[]> {
  const tables = (await query(
    `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'migrations' ORDER BY tablename`,
  )) as { tablename: string }[];
  const withRows: TableLoss[] = [];
  for (const { tablename } of tables) {
    const [row] = (await query(`SELECT count(*)::bigint AS n FROM "${tablename.replaceAll('"', '""')}"`)) as {
      n: string;
    }[];
    if (Number(row?.n ?? 0) > 0) withRows.push({ table: tablename, rows: Number(row!.n) });
  }
  return withRows;
}
