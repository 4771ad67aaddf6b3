/**
 * Builds the process-wide dependencies from configuration, the same way for every runtime: one Bedrock
 * client, one key store, one resolver, one response store, after the same start-up checks. Nothing here
 * calls AWS; the first call happens on the first request (or `keyStore.load()`, which the Node server
 * awaits before listening). An embedded response store opens its database here.
 */
import { ApiKeyStore, type KeyFetcher } from '../auth/key-store';
import { parameterStoreKeys, secretsManagerKeys } from '../aws/key-sources';
import { createBedrockRuntime, type BedrockRuntime, type BedrockRuntimeOptions } from '../aws/bedrock-runtime';
import { hasKeySource, loadConfig, type GatewayConfig } from '../config';
import type { AppDeps } from '../deps';
import { createLogger, type AppLogger } from '../log/logger';
import { createMediaFetcher } from '../media/fetcher';
import { createControlPlane } from '../aws/bedrock-catalog';
import { createModelCatalog } from '../models/catalog';
import { defaultModels } from '../models/defaults';
import { createResolver } from '../models/resolver';
import { createDynamoTable } from '../aws/dynamodb';
import { dynamoResponseStore } from '../store/dynamodb';
import { StoreUnavailable, type KeyStore, type ResponseStore } from '../store/types';
import { dynamoKeyStore } from '../store/dynamodb-keys';
import type { EmbeddedState } from '../store/embedded';
import { ManagedKeys } from '../keys/managed-keys';
import { priceTable } from '../keys/pricing';

export interface ProcessDeps extends AppDeps {
  readonly keyStore: ApiKeyStore;
}

/** A configuration the gateway cannot start with; the message says what to set. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/** Refuses a configuration that would answer every request 401: no API key from any source. */
export function checkStartup(config: GatewayConfig): void {
  if (!hasKeySource(config)) {
    throw new StartupError('No API key is configured. Set API_KEY (or API_KEYS), API_KEY_SECRET_ARN or API_KEY_PARAM_NAME. For a local try-out, `npm run demo` makes one up.');
  }
}

/**
 * What a runtime entry ships beyond the shared code. The lean Bedrock client (aws/lean-runtime/) is handed in
 * by the entries that bundle it (the Node server) so that its HTTP library stays out of the Lambda bundle;
 * without it, BEDROCK_CLIENT=lean falls back to the SDK client.
 */
export interface RuntimeParts {
  readonly leanBedrock?: (options: BedrockRuntimeOptions) => BedrockRuntime;
  /** The embedded store (store/embedded.ts), handed in by the entries that may use it (not Lambda's). */
  readonly embeddedState?: EmbeddedState;
}

/** The environment → checked configuration → dependencies: what every runtime entry starts with. */
export function depsFromEnv(env: Readonly<Record<string, string | undefined>>, parts: RuntimeParts = {}): ProcessDeps {
  const config = loadConfig(env);
  checkStartup(config);
  return buildDeps(config, parts);
}

export function buildDeps(config: GatewayConfig, parts: RuntimeParts = {}): ProcessDeps {
  const logger = createLogger(config.logLevel, { lambda: config.inLambda });
  const fetchers: KeyFetcher[] = [];
  if (config.apiKeys.secretArn) fetchers.push(secretsManagerKeys(config.apiKeys.secretArn, config.region));
  if (config.apiKeys.parameterName) fetchers.push(parameterStoreKeys(config.apiKeys.parameterName, config.region));
  const keyStore = new ApiKeyStore({
    literal: config.apiKeys.literal,
    fetchers,
    refreshSeconds: config.apiKeys.refreshSeconds,
    onRefreshError: (err) => logger.warn('API key refresh failed; keeping the previous keys', { error: err instanceof Error ? err.name : 'unknown' }),
  });
  // Lazy: the first request that needs the catalog starts its first load.
  const catalog = createModelCatalog(createControlPlane({ region: config.region }), {
    ttlSeconds: config.catalogTtlSeconds,
    systemProfiles: config.enableCrossRegionInference,
    applicationProfiles: config.enableApplicationInferenceProfiles,
    onProblem: (message) => logger.warn(message),
  });
  const defaults = defaultModels(config);
  return {
    config,
    logger,
    keyStore,
    keys: keyStore,
    bedrock: config.bedrockClient === 'lean' && parts.leanBedrock ? parts.leanBedrock({ region: config.region }) : createBedrockRuntime({ region: config.region }),
    media: createMediaFetcher({
      allowPrivateAddresses: config.allowPrivateUrlFetch,
      maxRequestBytes: config.imageFetch.maxRequestBytes,
      maxInflightBytes: config.imageFetch.maxInflightBytes,
      maxConcurrentFetches: config.imageFetch.maxConcurrent,
    }),
    catalog,
    models: createResolver({
      defaultModel: defaults.chat,
      defaultEmbeddingModel: defaults.embedding,
      defaultImageModel: defaults.image,
      defaultRerankModel: defaults.rerank,
      aliases: config.modelAliases,
      aliasGptToDefault: config.aliasGptToDefault,
      allowlist: config.modelAllowlist,
      catalog,
      readableNames: config.enableApplicationInferenceProfiles,
    }),
    ...buildState(config, logger, parts.embeddedState),
  };
}

/** The stored responses and the managed keys, on one backend (one table, or one database file). */
export function buildState(config: GatewayConfig, logger: AppLogger, embedded?: EmbeddedState): Pick<AppDeps, 'store' | 'managedKeys'> {
  const { store: storeConfig, managedKeys: keysConfig } = config;
  if (storeConfig.backend === 'dynamodb') {
    const table = createDynamoTable({ region: config.region, tableName: storeConfig.tableName, timeoutMs: storeConfig.timeoutMs });
    const store = dynamoResponseStore(table, { ttlSeconds: storeConfig.ttlDays * 86_400, timeoutMs: storeConfig.timeoutMs });
    return { store, managedKeys: keysConfig.enabled ? managedKeysOn(dynamoKeyStore(table), config, logger) : undefined };
  }
  const store = buildStore(config, logger, embedded);
  if (!store || !embedded || storeConfig.backend !== 'sqlite' || !keysConfig.enabled) return { store };
  // Managed keys and usage beside the responses (the same file; with `:memory:`, their own database).
  return { store, managedKeys: managedKeysOn(embedded.openSqliteKeyStore({ path: storeConfig.path, timeoutMs: storeConfig.timeoutMs }), config, logger) };
}

function managedKeysOn(keyStore: KeyStore, config: GatewayConfig, logger: AppLogger): ManagedKeys {
  const { managedKeys } = config;
  return new ManagedKeys(keyStore, {
    prices: priceTable(managedKeys.prices),
    cacheTtlMs: managedKeys.cacheSeconds * 1000,
    flushMs: managedKeys.usageFlushMs,
    onUsageWriteError: (err, dropped) =>
      logger.warn('usage write failed; kept for the next write', { error: err instanceof StoreUnavailable ? err.reason : err instanceof Error ? err.name : 'unknown', dropped }),
  });
}

/**
 * The configured response store; undefined when storage is off (or, by default only, when this Node has no
 * SQLite or this runtime ships no embedded store).
 */
export function buildStore(config: GatewayConfig, logger: AppLogger, embedded?: EmbeddedState): ResponseStore | undefined {
  const { store } = config;
  const options = { ttlSeconds: store.ttlDays * 86_400, timeoutMs: store.timeoutMs };
  switch (store.backend) {
    case 'none':
      return undefined;
    case 'dynamodb':
      return dynamoResponseStore(createDynamoTable({ region: config.region, tableName: store.tableName, timeoutMs: store.timeoutMs }), options);
    case 'sqlite':
      if (!embedded?.loadSqlite()) {
        const message = embedded
          ? `Stored responses need node:sqlite (Node 22.13 or later); this is Node ${process.versions.node}.`
          : 'This runtime ships no embedded store (RESPONSE_STORE=sqlite serves the Node server only).';
        if (store.explicit) throw new StartupError(`${message} ${embedded ? 'Run a newer Node' : 'Use RESPONSE_STORE=dynamodb'}, or set RESPONSE_STORE=none.`);
        logger.warn(`${message} Stored responses are off.`);
        return undefined;
      }
      try {
        return embedded.openSqliteStore({ path: store.path, ...options });
      } catch (err) {
        const reason = err instanceof StoreUnavailable ? err.reason : String(err);
        throw new StartupError(`Cannot open the response store at STORE_SQLITE_PATH=${store.path}: ${reason}`);
      }
  }
}
