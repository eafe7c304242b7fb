import type { Logger } from '@nestjs/common';
import pg from 'pg';
import type { DataSource } from 'typeorm';

const RECONNECT_FIRST_MS = 250;
const RECONNECT_MAX_MS = 10_000;

/**
 * A dedicated connection LISTENing on some channels (channels.ts) for one in-memory holder of
 * database state. When the connection drops it is re-made (250 ms, doubling up to 10 s) and
 * `onReconnect` runs: notifications sent meanwhile are lost, so the holder reads what they would
 * have said.
 */
export class NotificationListener {
  private client?: pg.Client;
  private reconnectTimer?: NodeJS.Timeout;
  private stopping = false;

  constructor(
    private readonly db: DataSource,
    private readonly channels: readonly string[],
    private readonly logger: Logger,
    private readonly onNotification: (channel: string, payload: string | undefined) => void,
    private readonly onReconnect: () => Promise<void>,
  ) {}

  async start(): Promise<void> {
    const options = this.db.driver.options as { url?: string };
    const client = new pg.Client({ connectionString: options.url });
    client.on('notification', (message) => this.onNotification(message.channel, message.payload));
    client.on('error', (error) => this.logger.warn(`notification listener: ${error.message}`));
    client.on('end', () => {
      if (this.client === client) this.client = undefined;
      if (!this.stopping) this.reconnectSoon(1);
    });
    try {
      await client.connect();
      for (const channel of this.channels) await client.query(`LISTEN ${channel}`);
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      throw error;
    }
    this.client = client;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.reconnectTimer);
    await this.client?.end().catch(() => undefined);
  }

  private reconnectSoon(attempt: number): void {
    if (this.reconnectTimer !== undefined || this.stopping) return;
    const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_FIRST_MS * 2 ** (attempt - 1));
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.start()
        .then(() => this.onReconnect())
        .then(() => this.logger.log(`notification listener reconnected (attempt ${attempt})`))
        .catch((error: Error) => {
          this.logger.warn(`notification listener: reconnect attempt ${attempt} failed: ${error.message}`);
          if (!this.client) this.reconnectSoon(attempt + 1);
        });
    }, delay);
    this.reconnectTimer.unref();
  }
}
