/**
 * The gateway's state: stored Responses (issue 14) now, managed keys and their usage (issue 15) next, on
 * one backend per process (a DynamoDB table when deployed, an embedded SQLite database locally). This file
 * is the contract every backend meets; `test/store/` runs one suite against each.
 */
import { DomainError } from '../errors/domain-error';

/** The owner of everything the static API keys (environment, Secrets Manager, SSM) create: rotation keeps history. */
export const ROOT_OWNER = 'root';

/** One response with what a later request needs to continue it, list its input items or resolve an item_reference. */
export interface StoredResponse {
  /** `resp_…`. */
  readonly id: string;
  /** Who may read it: `ROOT_OWNER` for the static keys, a managed key's id later. No `#`. */
  readonly owner: string;
  /** Unix seconds. */
  readonly createdAt: number;
  readonly model: string;
  readonly status: string;
  /** JSON-serialisable request fields needed to continue (instructions, tools, …). */
  readonly request: Record<string, unknown>;
  /** The response object as the client received it. */
  readonly response: Record<string, unknown>;
  /** The input items and output items, in order; each item with a string `id` can be found by `getItem`. */
  readonly inputItems: ReadonlyArray<Record<string, unknown>>;
  readonly outputItems: ReadonlyArray<Record<string, unknown>>;
}

/**
 * Stored responses of one owner each. Reads are strongly consistent: a response is readable by the next
 * request as soon as `put` resolved. Another owner's response, an expired one and an unknown id all read as
 * absent, never as an error. A backend that is down or slower than its timeout throws `StoreUnavailable`
 * and nothing else (a malformed owner or id given to `put` is a bug: `RangeError`).
 */
export interface ResponseStore {
  /** Creates or replaces the response `r.id` of `r.owner`, and indexes its items by id. */
  put(r: StoredResponse): Promise<void>;
  get(owner: string, id: string): Promise<StoredResponse | undefined>;
  /** Deletes the response and its item index; false when there was none (or it belongs to another owner). */
  delete(owner: string, id: string): Promise<boolean>;
  /**
   * An input or output item by its id (`msg_…`, `fc_…`, `rs_…`, `ctc_…`) among the owner's live responses,
   * for `item_reference`. An id stored by several responses resolves to the latest one's item.
   */
  getItem(owner: string, itemId: string): Promise<Record<string, unknown> | undefined>;
  /** Releases connections or the database file (server shutdown, tests). */
  close(): Promise<void>;
}

/** What every backend is built with. */
export interface StoreOptions {
  /** How long a response is kept after it was written. */
  readonly ttlSeconds: number;
  /** Milliseconds one call to the backend may take (DynamoDB request, SQLite lock wait) before `StoreUnavailable`. */
  readonly timeoutMs: number;
  /**
   * Unix milliseconds now; tests move it to expire records.
   * @default Date.now
   */
  readonly clock?: () => number;
}

/**
 * The store cannot answer (unreachable, too slow, throttled, misconfigured, or a record it cannot read back).
 * Renders as a 503 with Retry-After; `operation` and `reason` are for the log, never the client.
 */
export class StoreUnavailable extends DomainError {
  constructor(
    readonly operation: 'put' | 'get' | 'delete' | 'getItem' | 'open' | KeyStoreOperation,
    /** The underlying error's name or code (`TimeoutError`, `ECONNREFUSED`, `ResourceNotFoundException`, …). */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super('unavailable', 'The gateway\'s state store is unavailable right now. Retry shortly.', null, 'store_unavailable', 5);
    this.name = 'StoreUnavailable';
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

/** A short name for what went wrong below a backend, for `StoreUnavailable.reason`. */
export function reasonOf(err: unknown): string {
  // Duck-typed: errors from Node's own realm (or a test VM's) are not always `instanceof Error` here.
  if (err && typeof err === 'object') {
    const { name, code } = err as { name?: unknown; code?: unknown };
    if (typeof code === 'string' && code !== '' && (name === 'Error' || name === undefined)) return code;
    if (typeof name === 'string' && name !== '') return name;
  }
  return typeof err;
}

// ---- Managed API keys (issue 15) ------------------------------------------------------------------------

/** A managed key as stored: never the secret, only its SHA-256 digest. */
export interface KeyRecord {
  /** `key_` and 16 lowercase hex characters; also the owner of the key's stored responses. */
  readonly id: string;
  readonly name: string;
  /** Hex SHA-256 of the whole secret key. */
  readonly secretHash: string;
  /** The key's last four characters, so an operator can tell keys apart in a list. */
  readonly hint: string;
  /** Exact ids, aliases or `*` patterns the key may call; absent: every model the gateway serves. */
  readonly models?: readonly string[];
  readonly limits?: { readonly rpm?: number; readonly tpm?: number };
  readonly budget?: { readonly tokens?: number; readonly usd?: number; readonly period: BudgetPeriod };
  /** Sent to Bedrock as requestMetadata on every Converse call (with the key's id and name). */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Model pattern → application inference profile ARN to call instead, for cost attribution. */
  readonly inferenceProfiles?: Readonly<Record<string, string>>;
  /** Unix seconds. */
  readonly createdAt: number;
  readonly expiresAt?: number;
  /** Set when the key was revoked (DELETE): it authenticates no more, its usage stays readable. */
  readonly revokedAt?: number;
}

export type BudgetPeriod = 'day' | 'month';

/** Token counts of one or more finished requests. */
export interface UsageCounts {
  readonly requests: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
  /** Cost in billionths of a US dollar (integers add exactly); 0 when no price is known. */
  readonly costNanoUsd: number;
  /** Requests whose model had no price in the operator's table. */
  readonly unpricedRequests: number;
}

/** Usage of one key and model on one UTC day (`YYYY-MM-DD`). */
export interface UsageRow extends UsageCounts {
  readonly keyId: string;
  readonly day: string;
  readonly model: string;
}

/** A rate window's counters: requests admitted and tokens used in one UTC minute. */
export interface WindowCounts {
  readonly requests: number;
  readonly tokens: number;
}

export type KeyStoreOperation = 'createKey' | 'getKey' | 'listKeys' | 'updateKey' | 'admit' | 'readWindow' | 'addUsage' | 'readUsage';

/**
 * Managed keys, their rate windows and their usage, on the same backend as the stored responses. Counter
 * updates are atomic in the backend, so limits hold across processes (Lambda instances, Fargate tasks).
 * A backend that is down or too slow throws `StoreUnavailable`.
 */
export interface KeyStore {
  /** Writes a new key; false when the id is taken. */
  createKey(key: KeyRecord): Promise<boolean>;
  getKey(id: string): Promise<KeyRecord | undefined>;
  /** Every key, revoked ones included, in id order. */
  listKeys(): Promise<KeyRecord[]>;
  /** Replaces an existing key's record; false when there is none. */
  updateKey(key: KeyRecord): Promise<boolean>;
  /**
   * Counts one request in the key's window `minute` (unix minutes) when, after counting it, the window holds
   * at most `maxRequests` requests and fewer than `maxTokens` tokens were used in it before; atomically.
   */
  admit(keyId: string, minute: number, maxRequests: number, maxTokens: number): Promise<{ readonly admitted: boolean } & WindowCounts>;
  readWindow(keyId: string, minute: number): Promise<WindowCounts>;
  /** Adds finished requests' usage to the key's day rows and its tokens to the rate window of `minute`. */
  addUsage(entries: readonly UsageEntry[]): Promise<void>;
  /** Usage rows of one key (or every key) for days `from`..`to` (inclusive, `YYYY-MM-DD`), in key, day, model order. */
  readUsage(keyIds: readonly string[], from: string, to: string): Promise<UsageRow[]>;
  close(): Promise<void>;
}

/** What `addUsage` adds for one key, model, day and rate window. */
export interface UsageEntry extends UsageCounts {
  readonly keyId: string;
  readonly model: string;
  readonly day: string;
  /** Unix minute the tokens count in, for the key's tpm window; undefined when the key has no tpm limit. */
  readonly minute?: number;
}
