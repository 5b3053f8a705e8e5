import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** One row per settings group; secret values inside are already encrypted by the service. */
@Injectable()
export class SettingsRepository {
  constructor(private readonly ds: DataSource) {}

  async all(): Promise<Map<string, unknown>> {
    const rows: Array<{ key: string; value: unknown }> = await this.ds.query('SELECT key, value FROM basalt.settings');
    return new Map(rows.map((r) => [r.key, r.value]));
  }

  async save(values: Map<string, unknown>): Promise<void> {
    await this.ds.transaction(async (em) => {
      for (const [key, value] of values) {
        await em.query(
          `INSERT INTO basalt.settings (key, value, updated_at) VALUES ($1, $2, now())
           ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
          [key, JSON.stringify(value)],
        );
      }
    });
  }
}
