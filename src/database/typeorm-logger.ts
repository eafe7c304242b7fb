import { Logger as NestLogger } from '@nestjs/common';
import type { Logger } from 'typeorm';

/**
 * TypeORM's messages through the app's logger (JSON lines; stderr in the CLI, whose stdout is for
 * results) instead of TypeORM's console logger, which prints to stdout. Queries are logged only at
 * the `trace` level; parameters never (they may hold user data).
 */
export class TypeOrmLogger implements Logger {
  private readonly logger = new NestLogger('TypeORM');

  constructor(private readonly queries: boolean) {}

  logQuery(query: string): void {
    if (this.queries) this.logger.verbose(`query: ${query}`);
  }

  logQueryError(error: string | Error, query: string): void {
    this.logger.error(
      `query failed: ${error instanceof Error ? error.message : error}; query: ${oneLine(query)}`,
    );
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn(`slow query (${time} ms): ${oneLine(query)}`);
  }

  logSchemaBuild(message: string): void {
    this.logger.log(message);
  }

  logMigration(message: string): void {
    this.logger.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(String(message));
    else this.logger.log(String(message));
  }
}

function oneLine(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim();
}
