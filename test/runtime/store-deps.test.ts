/** The dependency builder picks and opens the configured response store, or refuses to start. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../../lambda/src/config';
import { silentLogger, type AppLogger } from '../../lambda/src/log/logger';
import { buildStore, depsFromEnv, StartupError } from '../../lambda/src/runtime/deps';
import { EMBEDDED_STATE } from '../../lambda/src/store/embedded';
import { ROOT_OWNER } from '../../lambda/src/store/types';

/** What the Node server entry hands in (store/embedded.ts); the Lambda entries hand in nothing. */
const NODE_SERVER = { embeddedState: EMBEDDED_STATE };

const KEY = { API_KEY: 'sk-test', LOG_LEVEL: 'SILENT' };

describe('the response store of a process', () => {
  it('is an in-memory SQLite store on a Node server by default, ready to use', async () => {
    const { store } = depsFromEnv(KEY, NODE_SERVER);
    const r = { id: 'resp_1', owner: ROOT_OWNER, createdAt: 1, model: 'm', status: 'completed', request: {}, response: {}, inputItems: [], outputItems: [] };
    await store!.put(r);
    expect(await store!.get(ROOT_OWNER, 'resp_1')).toEqual(r);
    await store!.close();
  });

  it('is absent when storage is off, and in Lambda without a table', () => {
    expect(depsFromEnv({ ...KEY, RESPONSE_STORE: 'none' }).store).toBeUndefined();
    expect(depsFromEnv({ ...KEY, AWS_LAMBDA_FUNCTION_NAME: 'gateway' }).store).toBeUndefined();
  });

  it('is a DynamoDB store when a table is named, without calling AWS at start', () => {
    expect(depsFromEnv({ ...KEY, STORE_TABLE_NAME: 'gw-state', AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9' }).store).toBeDefined();
  });

  it('refuses to start on a database file it cannot open', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gateway-deps-'));
    try {
      expect(() => depsFromEnv({ ...KEY, STORE_SQLITE_PATH: path.join(dir, 'no', 'such', 'dir.db') }, NODE_SERVER)).toThrow(StartupError);
      expect(() => depsFromEnv({ ...KEY, STORE_SQLITE_PATH: path.join(dir, 'no', 'such', 'dir.db') }, NODE_SERVER)).toThrow(/Cannot open the response store at STORE_SQLITE_PATH=.*SQLite: unable to open/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('on a Node without node:sqlite', () => {
    const original = process.getBuiltinModule;
    beforeEach(() => {
      jest.resetModules();
      process.getBuiltinModule = ((id: string) => (id === 'node:sqlite' ? undefined : original(id))) as typeof process.getBuiltinModule;
    });
    afterEach(() => {
      process.getBuiltinModule = original;
    });
    const fresh = () => ({
      ...(require('../../lambda/src/runtime/deps') as { buildStore: typeof buildStore; StartupError: typeof StartupError }),
      embedded: (require('../../lambda/src/store/embedded') as { EMBEDDED_STATE: typeof EMBEDDED_STATE }).EMBEDDED_STATE,
    });

    it('turns the default store off with a warning', () => {
      const warnings: string[] = [];
      const logger: AppLogger = { ...silentLogger, warn: (m) => warnings.push(m) };
      const { buildStore: build, embedded } = fresh();
      expect(build(loadConfig({}), logger, embedded)).toBeUndefined();
      expect(warnings).toEqual([expect.stringMatching(/need node:sqlite .* Stored responses are off/)]);
    });

    it('refuses to start when SQLite was asked for', () => {
      const { buildStore: build, StartupError: Startup, embedded } = fresh();
      expect(() => build(loadConfig({ RESPONSE_STORE: 'sqlite' }), silentLogger, embedded)).toThrow(Startup);
    });
  });

  describe('in a runtime that ships no embedded store (the Lambda entries)', () => {
    it('turns the default store off with a warning, and refuses an explicit sqlite', () => {
      const warnings: string[] = [];
      const logger: AppLogger = { ...silentLogger, warn: (m) => warnings.push(m) };
      expect(buildStore(loadConfig({}), logger)).toBeUndefined();
      expect(warnings).toEqual([expect.stringMatching(/ships no embedded store/)]);
      expect(() => buildStore(loadConfig({ RESPONSE_STORE: 'sqlite' }), silentLogger)).toThrow(/ships no embedded store.*RESPONSE_STORE=dynamodb/);
    });
  });
});
