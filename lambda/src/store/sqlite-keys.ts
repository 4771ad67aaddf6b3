/**
 * Managed keys on the embedded backend (`node:sqlite`): three tables beside the stored responses. Each
 * counter update is one statement (`INSERT … ON CONFLICT DO UPDATE … WHERE`), so concurrent processes sharing
 * the file cannot overcount; within a process calls are synchronous and never interleave.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { byKeyDayModel, mergeEntries, WINDOW_TTL_SECONDS } from './key-records';
import { openDatabase, unavailable } from './sqlite';
import { StoreUnavailable, type KeyRecord, type KeyStore, type KeyStoreOperation, type UsageRow, type WindowCounts } from './types';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS managed_keys (
  id TEXT PRIMARY KEY,
  record TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS key_windows (
  key_id TEXT NOT NULL,
  minute INTEGER NOT NULL,
  requests INTEGER NOT NULL,
  tokens INTEGER NOT NULL,
  PRIMARY KEY (key_id, minute)
) STRICT;
CREATE TABLE IF NOT EXISTS key_usage (
  key_id TEXT NOT NULL,
  day TEXT NOT NULL,
  model TEXT NOT NULL,
  requests INTEGER NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cache_read_tokens INTEGER NOT NULL,
  cache_write_tokens INTEGER NOT NULL,
  cost_nano_usd INTEGER NOT NULL,
  unpriced_requests INTEGER NOT NULL,
  PRIMARY KEY (key_id, day, model)
) STRICT;
`;

export interface SqliteKeyStoreOptions {
  /** A database file (created if missing; the response store's file is fine) or `:memory:`. */
  readonly path: string;
  readonly timeoutMs: number;
}

export function openSqliteKeyStore(options: SqliteKeyStoreOptions): KeyStore {
  return new SqliteKeyStore(openDatabase(options.path, options.timeoutMs, SCHEMA));
}

class SqliteKeyStore implements KeyStore {
  private readonly sql: Record<string, StatementSync>;
  private closed = false;

  constructor(private readonly db: DatabaseSync) {
    this.sql = {
      create: db.prepare('INSERT INTO managed_keys (id, record) VALUES (?, ?) ON CONFLICT (id) DO NOTHING'),
      get: db.prepare('SELECT record FROM managed_keys WHERE id = ?'),
      list: db.prepare('SELECT record FROM managed_keys ORDER BY id'),
      update: db.prepare('UPDATE managed_keys SET record = ? WHERE id = ?'),
      // The row is created by the first admission of a minute; the WHERE refuses one over the limits.
      admit: db.prepare(
        `INSERT INTO key_windows (key_id, minute, requests, tokens) SELECT ?1, ?2, 1, 0 WHERE ?3 >= 1 AND ?4 > 0
         ON CONFLICT (key_id, minute) DO UPDATE SET requests = requests + 1 WHERE requests + 1 <= ?3 AND tokens < ?4
         RETURNING requests, tokens`,
      ),
      window: db.prepare('SELECT requests, tokens FROM key_windows WHERE key_id = ? AND minute = ?'),
      addTokens: db.prepare(
        'INSERT INTO key_windows (key_id, minute, requests, tokens) VALUES (?, ?, 0, ?) ON CONFLICT (key_id, minute) DO UPDATE SET tokens = tokens + excluded.tokens',
      ),
      purgeWindows: db.prepare('DELETE FROM key_windows WHERE minute < ?'),
      addUsage: db.prepare(
        `INSERT INTO key_usage (key_id, day, model, requests, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_nano_usd, unpriced_requests)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (key_id, day, model) DO UPDATE SET
           requests = requests + excluded.requests, input_tokens = input_tokens + excluded.input_tokens,
           output_tokens = output_tokens + excluded.output_tokens, cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
           cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens, cost_nano_usd = cost_nano_usd + excluded.cost_nano_usd,
           unpriced_requests = unpriced_requests + excluded.unpriced_requests`,
      ),
      usage: db.prepare('SELECT * FROM key_usage WHERE key_id = ? AND day >= ? AND day <= ?'),
    };
  }

  async createKey(key: KeyRecord): Promise<boolean> {
    return this.run('createKey', () => Number(this.sql.create.run(key.id, JSON.stringify(key)).changes) === 1);
  }

  async getKey(id: string): Promise<KeyRecord | undefined> {
    const row = this.run('getKey', () => this.sql.get.get(id));
    return row ? this.parse('getKey', row.record) : undefined;
  }

  async listKeys(): Promise<KeyRecord[]> {
    return this.run('listKeys', () => this.sql.list.all()).map((row) => this.parse('listKeys', row.record));
  }

  async updateKey(key: KeyRecord): Promise<boolean> {
    return this.run('updateKey', () => Number(this.sql.update.run(JSON.stringify(key), key.id).changes) === 1);
  }

  async admit(keyId: string, minute: number, maxRequests: number, maxTokens: number): Promise<{ admitted: boolean } & WindowCounts> {
    return this.run('admit', () => {
      const row = this.sql.admit.get(keyId, minute, maxRequests, maxTokens);
      if (row) return { admitted: true, requests: Number(row.requests), tokens: Number(row.tokens) };
      return { admitted: false, ...this.windowOf(keyId, minute) };
    });
  }

  async readWindow(keyId: string, minute: number): Promise<WindowCounts> {
    return this.run('readWindow', () => this.windowOf(keyId, minute));
  }

  private windowOf(keyId: string, minute: number): WindowCounts {
    const row = this.sql.window.get(keyId, minute);
    return { requests: Number(row?.requests ?? 0), tokens: Number(row?.tokens ?? 0) };
  }

  async addUsage(entries: readonly import('./types').UsageEntry[]): Promise<void> {
    const merged = mergeEntries(entries);
    if (merged.length === 0) return;
    this.run('addUsage', () => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        let latest = 0;
        for (const e of merged) {
          this.sql.addUsage.run(e.keyId, e.day, e.model, e.requests, e.inputTokens, e.outputTokens, e.cacheReadTokens, e.cacheWriteTokens, e.costNanoUsd, e.unpricedRequests);
          if (e.minute !== undefined) {
            this.sql.addTokens.run(e.keyId, e.minute, e.inputTokens + e.outputTokens + e.cacheReadTokens + e.cacheWriteTokens);
            latest = Math.max(latest, e.minute);
          }
        }
        if (latest) this.sql.purgeWindows.run(latest - Math.ceil(WINDOW_TTL_SECONDS / 60));
        this.db.exec('COMMIT');
      } catch (err) {
        try {
          this.db.exec('ROLLBACK');
        } catch {
          // already rolled back
        }
        throw err;
      }
    });
  }

  async readUsage(keyIds: readonly string[], from: string, to: string): Promise<UsageRow[]> {
    const rows: UsageRow[] = [];
    this.run('readUsage', () => {
      for (const keyId of keyIds) {
        for (const r of this.sql.usage.all(keyId, from, to)) {
          rows.push({
            keyId: String(r.key_id),
            day: String(r.day),
            model: String(r.model),
            requests: Number(r.requests),
            inputTokens: Number(r.input_tokens),
            outputTokens: Number(r.output_tokens),
            cacheReadTokens: Number(r.cache_read_tokens),
            cacheWriteTokens: Number(r.cache_write_tokens),
            costNanoUsd: Number(r.cost_nano_usd),
            unpricedRequests: Number(r.unpriced_requests),
          });
        }
      }
    });
    return rows.sort(byKeyDayModel);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private run<T>(operation: KeyStoreOperation, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw unavailable(operation, err);
    }
  }

  private parse(operation: KeyStoreOperation, text: unknown): KeyRecord {
    try {
      return JSON.parse(String(text)) as KeyRecord;
    } catch (err) {
      throw new StoreUnavailable(operation, 'unreadable record', { cause: err });
    }
  }
}
