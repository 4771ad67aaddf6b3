/** What only the embedded backend has: a database file, its purge of expired rows, lock waits, Node's warning. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { DatabaseSync } from 'node:sqlite';
import { openSqliteStore } from '../../lambda/src/store/sqlite';
import { ROOT_OWNER, StoreUnavailable, type StoredResponse } from '../../lambda/src/store/types';

const ROOT = path.join(__dirname, '..', '..');
const DAY = 86_400;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'gateway-sqlite-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const record = (id: string): StoredResponse => ({
  id,
  owner: ROOT_OWNER,
  createdAt: 1,
  model: 'm',
  status: 'completed',
  request: {},
  response: { id },
  inputItems: [],
  outputItems: [{ id: `msg_${id}`, type: 'message', role: 'assistant', content: [] }],
});

describe('sqlite store', () => {
  it('keeps responses in its file across a restart', async () => {
    const file = path.join(dir, 'restart.db');
    const first = openSqliteStore({ path: file, ttlSeconds: DAY, timeoutMs: 1_000 });
    await first.put(record('resp_a'));
    await first.close();
    const second = openSqliteStore({ path: file, ttlSeconds: DAY, timeoutMs: 1_000 });
    expect(await second.get(ROOT_OWNER, 'resp_a')).toEqual(record('resp_a'));
    expect(await second.getItem(ROOT_OWNER, 'msg_resp_a')).toEqual(record('resp_a').outputItems[0]);
    await second.close();
  });

  it('deletes expired rows on a later write, not only hides them', async () => {
    const file = path.join(dir, 'purge.db');
    let now = Date.UTC(2025, 0, 1);
    const store = openSqliteStore({ path: file, ttlSeconds: DAY, timeoutMs: 1_000, clock: () => now });
    await store.put(record('resp_old'));
    now += (DAY + 120) * 1000;
    await store.put(record('resp_new'));
    const db = new DatabaseSync(file, { readOnly: true });
    expect(db.prepare('SELECT id FROM responses').all().map((r) => r.id)).toEqual(['resp_new']);
    expect(db.prepare('SELECT item_id FROM response_items').all().map((r) => r.item_id)).toEqual(['msg_resp_new']);
    db.close();
    await store.close();
  });

  it('raises StoreUnavailable when the file cannot be opened', () => {
    expect(() => openSqliteStore({ path: path.join(dir, 'missing', 'dir', 'x.db'), ttlSeconds: DAY, timeoutMs: 100 })).toThrow(StoreUnavailable);
  });

  it('gives up on a lock another process holds after the timeout', async () => {
    const file = path.join(dir, 'locked.db');
    const store = openSqliteStore({ path: file, ttlSeconds: DAY, timeoutMs: 200 });
    const other = new DatabaseSync(file);
    other.exec('BEGIN IMMEDIATE');
    const started = performance.now();
    await expect(store.put(record('resp_locked'))).rejects.toMatchObject({ name: 'StoreUnavailable', operation: 'put', reason: 'SQLite: database is locked' });
    expect(performance.now() - started).toBeLessThan(1_000);
    other.exec('ROLLBACK');
    await store.put(record('resp_locked'));
    expect(await store.get(ROOT_OWNER, 'resp_locked')).toEqual(record('resp_locked'));
    other.close();
    await store.close();
  });

  it("silences Node's SQLite ExperimentalWarning, and only that one", async () => {
    const script = `
      const { openSqliteStore } = require('./lambda/src/store/sqlite.ts');
      openSqliteStore({ path: ':memory:', ttlSeconds: 60, timeoutMs: 100 });
      process.emitWarning('another experiment', 'ExperimentalWarning');`;
    const { stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, timeout: 30_000 });
    expect(stderr).toContain('ExperimentalWarning: another experiment');
    expect(stderr).not.toContain('SQLite');
  });
});
