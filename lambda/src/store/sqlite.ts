/**
 * The embedded backend: Node's built-in `node:sqlite`, one database file (or `:memory:`) per process, for
 * `npm start`, `npm run demo` and a single Fargate task without a table. Calls are synchronous, so one
 * process never races itself; a file shared by processes waits for locks up to the timeout.
 *
 * `node:sqlite` is loaded when a store is opened, never at import: Node 20 has none, and it prints an
 * ExperimentalWarning that is silenced here (only that one).
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { checkStorable, expiryOf, indexedItems, isLive, isValidId, isValidOwner } from './records';
import { reasonOf, StoreUnavailable, type ResponseStore, type StoreOptions, type StoredResponse } from './types';

type Sqlite = typeof import('node:sqlite');

/** How often `put` also deletes expired rows (reads never see them either way). */
const PURGE_INTERVAL_MS = 60_000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS responses (
  owner TEXT NOT NULL,
  id TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  record TEXT NOT NULL,
  PRIMARY KEY (owner, id)
) STRICT;
CREATE INDEX IF NOT EXISTS responses_by_expiry ON responses (expires_at);
-- item id -> the latest response holding it (the item itself stays in that response's record)
CREATE TABLE IF NOT EXISTS response_items (
  owner TEXT NOT NULL,
  item_id TEXT NOT NULL,
  response_id TEXT NOT NULL,
  list TEXT NOT NULL CHECK (list IN ('inputItems', 'outputItems')),
  pos INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (owner, item_id)
) STRICT;
CREATE INDEX IF NOT EXISTS response_items_by_response ON response_items (owner, response_id);
CREATE INDEX IF NOT EXISTS response_items_by_expiry ON response_items (expires_at);
`;

let loaded: Sqlite | null | undefined;

/** `node:sqlite`, or undefined on a Node without it (Node 20; Node 22 before 22.13 without --experimental-sqlite). */
export function loadSqlite(): Sqlite | undefined {
  if (loaded === undefined) loaded = withoutSqliteWarning(() => process.getBuiltinModule?.('node:sqlite') as Sqlite | undefined) ?? null;
  return loaded ?? undefined;
}

/** Runs `load` with the SQLite ExperimentalWarning dropped; every other warning still goes out. */
function withoutSqliteWarning<T>(load: () => T): T {
  const emit = process.emitWarning;
  process.emitWarning = function emitUnlessSqlite(this: unknown, warning: string | Error, ...rest: unknown[]): void {
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    const message = typeof warning === 'string' ? warning : warning.message;
    if (type === 'ExperimentalWarning' && /\bSQLite\b/.test(message)) return;
    (emit as (...args: unknown[]) => void).call(process, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    return load();
  } finally {
    process.emitWarning = emit;
  }
}

export interface SqliteStoreOptions extends StoreOptions {
  /** A database file (created if missing) or `:memory:`. */
  readonly path: string;
}

/**
 * Opens (and creates) a database with `schema` applied, waiting up to `timeoutMs` for another connection's
 * lock; throws `StoreUnavailable('open', …)` when this Node has no SQLite or the file cannot be opened.
 */
export function openDatabase(path: string, timeoutMs: number, schema: string): DatabaseSync {
  const sqlite = loadSqlite();
  if (!sqlite) throw new StoreUnavailable('open', 'node:sqlite needs Node 22.13 or later');
  try {
    const db = new sqlite.DatabaseSync(path);
    db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(timeoutMs))}`);
    if (path !== ':memory:') db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL');
    db.exec(schema);
    return db;
  } catch (err) {
    throw unavailable('open', err);
  }
}

export function openSqliteStore(options: SqliteStoreOptions): ResponseStore {
  return new SqliteResponseStore(openDatabase(options.path, options.timeoutMs, SCHEMA), options);
}

/** A SQLite failure as the store reports it: SQLite's own text for the log, never the client. */
export function unavailable(operation: StoreUnavailable['operation'], err: unknown): StoreUnavailable {
  const errstr = (err as { errstr?: unknown }).errstr;
  return new StoreUnavailable(operation, typeof errstr === 'string' ? `SQLite: ${errstr}` : reasonOf(err), { cause: err });
}

class SqliteResponseStore implements ResponseStore {
  private readonly clock: () => number;
  private readonly sql: Record<
    'putResponse' | 'dropItemsOf' | 'putItem' | 'getResponse' | 'deleteResponse' | 'getItem' | 'purgeResponses' | 'purgeItems',
    StatementSync
  >;
  private lastPurge = -Infinity;
  private closed = false;

  constructor(
    private readonly db: DatabaseSync,
    private readonly options: SqliteStoreOptions,
  ) {
    this.clock = options.clock ?? Date.now;
    this.sql = {
      putResponse: db.prepare(
        'INSERT INTO responses (owner, id, expires_at, record) VALUES (?, ?, ?, ?) ON CONFLICT (owner, id) DO UPDATE SET expires_at = excluded.expires_at, record = excluded.record',
      ),
      dropItemsOf: db.prepare('DELETE FROM response_items WHERE owner = ? AND response_id = ?'),
      putItem: db.prepare(
        'INSERT INTO response_items (owner, item_id, response_id, list, pos, expires_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (owner, item_id) DO UPDATE SET response_id = excluded.response_id, list = excluded.list, pos = excluded.pos, expires_at = excluded.expires_at',
      ),
      getResponse: db.prepare('SELECT record FROM responses WHERE owner = ? AND id = ? AND expires_at > ?'),
      deleteResponse: db.prepare('DELETE FROM responses WHERE owner = ? AND id = ? RETURNING expires_at'),
      getItem: db.prepare(
        `SELECT json_extract(r.record, '$.' || i.list || '[' || i.pos || ']') AS item FROM response_items i
         JOIN responses r ON r.owner = i.owner AND r.id = i.response_id
         WHERE i.owner = ? AND i.item_id = ? AND r.expires_at > ?`,
      ),
      purgeResponses: db.prepare('DELETE FROM responses WHERE expires_at <= ?'),
      purgeItems: db.prepare('DELETE FROM response_items WHERE expires_at <= ?'),
    };
  }

  private nowSeconds(): number {
    return Math.floor(this.clock() / 1000);
  }

  async put(r: StoredResponse): Promise<void> {
    checkStorable(r);
    const now = this.clock();
    const expiresAt = expiryOf(now, this.options.ttlSeconds);
    const record = JSON.stringify(r);
    this.transaction('put', () => {
      this.sql.putResponse.run(r.owner, r.id, expiresAt, record);
      this.sql.dropItemsOf.run(r.owner, r.id);
      for (const { id, list, pos } of indexedItems(r)) this.sql.putItem.run(r.owner, id, r.id, list, pos, expiresAt);
      if (now - this.lastPurge >= PURGE_INTERVAL_MS) {
        this.lastPurge = now;
        const cutoff = Math.floor(now / 1000);
        this.sql.purgeResponses.run(cutoff);
        this.sql.purgeItems.run(cutoff);
      }
    });
  }

  async get(owner: string, id: string): Promise<StoredResponse | undefined> {
    if (!isValidOwner(owner) || !isValidId(id)) return undefined;
    const row = this.run('get', () => this.sql.getResponse.get(owner, id, this.nowSeconds()));
    return row ? (this.parse('get', row.record) as StoredResponse) : undefined;
  }

  async delete(owner: string, id: string): Promise<boolean> {
    if (!isValidOwner(owner) || !isValidId(id)) return false;
    const now = this.clock();
    const row = this.transaction('delete', () => {
      this.sql.dropItemsOf.run(owner, id);
      return this.sql.deleteResponse.get(owner, id);
    });
    return row !== undefined && isLive(Number(row.expires_at), now);
  }

  async getItem(owner: string, itemId: string): Promise<Record<string, unknown> | undefined> {
    if (!isValidOwner(owner) || !isValidId(itemId)) return undefined;
    const row = this.run('getItem', () => this.sql.getItem.get(owner, itemId, this.nowSeconds()));
    return row && typeof row.item === 'string' ? (this.parse('getItem', row.item) as Record<string, unknown>) : undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private run<T>(operation: StoreUnavailable['operation'], fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw unavailable(operation, err);
    }
  }

  private transaction<T>(operation: StoreUnavailable['operation'], fn: () => T): T {
    return this.run(operation, () => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const out = fn();
        this.db.exec('COMMIT');
        return out;
      } catch (err) {
        try {
          this.db.exec('ROLLBACK');
        } catch {
          // SQLite already rolled back (some errors end the transaction themselves)
        }
        throw err;
      }
    });
  }

  private parse(operation: StoreUnavailable['operation'], text: unknown): unknown {
    try {
      return JSON.parse(String(text));
    } catch (err) {
      throw new StoreUnavailable(operation, 'unreadable record', { cause: err });
    }
  }
}
