/**
 * The embedded (`node:sqlite`) backends as one part a runtime entry hands to `depsFromEnv`. Only the Node
 * server ships it: Lambda refuses RESPONSE_STORE=sqlite, so its bundle leaves this code out.
 */
import { loadSqlite, openSqliteStore } from './sqlite';
import { openSqliteKeyStore } from './sqlite-keys';

export const EMBEDDED_STATE = Object.freeze({ loadSqlite, openSqliteStore, openSqliteKeyStore });

export type EmbeddedState = typeof EMBEDDED_STATE;
