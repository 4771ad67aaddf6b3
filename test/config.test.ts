import { ConfigError, hasKeySource, loadConfig } from '../lambda/src/config';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 8000, routePrefix: '/api/v1', region: 'us-east-1', logLevel: 'INFO', logPrompts: false, enableCrossRegionInference: true, enablePromptCaching: false, aliasGptToDefault: false });
    expect(hasKeySource(c)).toBe(false);
  });

  it.each([
    [{ API_ROUTE_PREFIX: 'api/v2/' }, 'routePrefix', '/api/v2'],
    [{ AWS_DEFAULT_REGION: 'eu-west-1' }, 'region', 'eu-west-1'],
    [{ AWS_REGION: 'ap-south-1', AWS_DEFAULT_REGION: 'eu-west-1' }, 'region', 'ap-south-1'],
    [{ ALLOWED_ORIGINS: 'https://a.example, https://b.example' }, 'allowedOrigins', ['https://a.example', 'https://b.example']],
    [{ ENABLE_PROMPT_CACHING: 'true' }, 'enablePromptCaching', true],
    [{ MODEL_ALIASES: '{"gpt-4o":"us.anthropic.claude-x"}' }, 'modelAliases', { 'gpt-4o': 'us.anthropic.claude-x' }],
    [{ LOG_LEVEL: 'debug' }, 'logLevel', 'DEBUG'],
    [{ LOG_LEVEL: ' warn ' }, 'logLevel', 'WARN'],
    [{ LOG_LEVEL: '' }, 'logLevel', 'INFO'],
    [{ HOSTED_TOOLS: 'Reject' }, 'hostedTools', 'reject'],
    [{ HOSTED_TOOLS: ' ' }, 'hostedTools', 'ignore'],
    [{ HOST: '' }, 'host', ''],
    [{ METRICS_ENABLED: 'on' }, 'metrics', { enabled: true, namespace: 'BedrockOpenAIGateway' }],
    [{ AWS_LAMBDA_FUNCTION_NAME: 'gw' }, 'metrics', { enabled: true, namespace: 'BedrockOpenAIGateway' }],
    [{ AWS_LAMBDA_FUNCTION_NAME: 'gw', METRICS_ENABLED: 'no' }, 'metrics', { enabled: false, namespace: 'BedrockOpenAIGateway' }],
    [{ MODEL_PRICES: '{"m*":{"input":1,"output":2}}' }, 'managedKeys', { enabled: true, cacheSeconds: 5, usageFlushMs: 1000, prices: { 'm*': { input: 1, output: 2 } } }],
    [{ DEFAULT_IMAGE_MODEL: 'amazon.nova-canvas-v1:0' }, 'defaultImageModel', 'amazon.nova-canvas-v1:0'],
    [{ DEFAULT_RERANK_MODEL: 'cohere.rerank-v3-5:0' }, 'defaultRerankModel', 'cohere.rerank-v3-5:0'],
  ])('%j sets %s', (env, key, value) => {
    expect(loadConfig(env)[key as keyof ReturnType<typeof loadConfig>]).toEqual(value);
  });

  it('collects keys from API_KEY and API_KEYS', () => {
    const c = loadConfig({ API_KEY: 'a', API_KEYS: 'b, c' });
    expect(c.apiKeys.literal).toEqual(['a', 'b', 'c']);
    expect(hasKeySource(c)).toBe(true);
    expect(hasKeySource(loadConfig({ API_KEY_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:1:secret:x' }))).toBe(true);
    expect(hasKeySource(loadConfig({ API_KEY_PARAM_NAME: '/gw/key' }))).toBe(true);
  });

  it('reports every bad variable at once, by name', () => {
    let err: unknown;
    try {
      loadConfig({ PORT: 'eighty', ENABLE_PROMPT_CACHING: 'maybe', MODEL_ALIASES: '[1]' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([
      'PORT: expected an integer from 0 to 65535, got "eighty"',
      'ENABLE_PROMPT_CACHING: expected true or false, got "maybe"',
      'MODEL_ALIASES: expected a JSON object of strings, e.g. {"gpt-4o":"us.anthropic.claude-sonnet-4-5-20250929-v1:0"}',
    ]);
  });

  it.each([
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL: expected one of DEBUG, INFO, WARN, ERROR, SILENT, got "loud"'],
    [{ HOSTED_TOOLS: 'drop' }, 'HOSTED_TOOLS: expected one of ignore, reject, got "drop"'],
    [{ PORT: '1.5' }, 'PORT: expected an integer from 0 to 65535, got "1.5"'],
    [{ MAX_IMAGES: '-1' }, 'MAX_IMAGES: expected an integer from 0 to 10000, got "-1"'],
    [{ METRICS_ENABLED: 'sometimes' }, 'METRICS_ENABLED: expected true or false, got "sometimes"'],
    [{ MODEL_PRICES: '{"m":{"input":-1,"output":1}}' }, 'MODEL_PRICES: expected a JSON object of model patterns'],
    [{ MODEL_PRICES: '{"m":{"input":1,"output":1,"extra":2}}' }, 'MODEL_PRICES: expected a JSON object of model patterns'],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});

describe('loadConfig: the response store', () => {
  const LAMBDA = { AWS_LAMBDA_FUNCTION_NAME: 'gateway' };

  it.each([
    ['a Node server with nothing set: SQLite in memory', {}, { backend: 'sqlite', path: ':memory:', explicit: false }],
    ['a Node server with a file', { STORE_SQLITE_PATH: '/var/lib/gateway/state.db' }, { backend: 'sqlite', path: '/var/lib/gateway/state.db' }],
    ['a table name (what the CDK stack sets)', { STORE_TABLE_NAME: 'gw-state' }, { backend: 'dynamodb', tableName: 'gw-state', explicit: false }],
    ['Lambda with a table', { ...LAMBDA, STORE_TABLE_NAME: 'gw-state' }, { backend: 'dynamodb', tableName: 'gw-state' }],
    ['Lambda without a table: nothing stored rather than per-instance memory', LAMBDA, { backend: 'none', explicit: false }],
    ['storage turned off', { RESPONSE_STORE: 'none', STORE_TABLE_NAME: 'gw-state' }, { backend: 'none', explicit: true }],
    ['a table ARN', { RESPONSE_STORE: 'DynamoDB', STORE_TABLE_NAME: 'arn:aws:dynamodb:us-east-1:123456789012:table/gw-state' }, { backend: 'dynamodb', explicit: true }],
  ])('%s', (_name, env, expected) => {
    expect(loadConfig(env).store).toMatchObject(expected);
  });

  it('keeps responses 30 days and waits 5 s for the store by default, both settable', () => {
    expect(loadConfig({}).store).toMatchObject({ ttlDays: 30, timeoutMs: 5_000 });
    expect(loadConfig({ RESPONSE_TTL_DAYS: '7', STORE_TIMEOUT_MS: '1500' }).store).toMatchObject({ ttlDays: 7, timeoutMs: 1_500 });
  });

  it.each([
    [{ RESPONSE_STORE: 'dynamodb' }, /RESPONSE_STORE: dynamodb needs STORE_TABLE_NAME/],
    [{ RESPONSE_STORE: 'sqlite', AWS_LAMBDA_FUNCTION_NAME: 'gateway' }, /RESPONSE_STORE: sqlite cannot serve Lambda/],
    [{ RESPONSE_STORE: 'redis' }, /RESPONSE_STORE/],
    [{ RESPONSE_TTL_DAYS: '0' }, /RESPONSE_TTL_DAYS: expected an integer from 1 to 3650/],
    [{ STORE_TIMEOUT_MS: '10' }, /STORE_TIMEOUT_MS/],
    [{ STORE_TABLE_NAME: 'no spaces allowed' }, /STORE_TABLE_NAME: expected a DynamoDB table name/],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});

describe('loadConfig: the Bedrock runtime client', () => {
  it.each([
    ['a Node server: the lean client', {}, 'lean'],
    ['Lambda: the SDK client', { AWS_LAMBDA_FUNCTION_NAME: 'gateway' }, 'sdk'],
    ['a Node server switched back', { BEDROCK_CLIENT: ' SDK ' }, 'sdk'],
    ['Lambda, said explicitly', { AWS_LAMBDA_FUNCTION_NAME: 'gateway', BEDROCK_CLIENT: 'sdk' }, 'sdk'],
    ['an empty value: the default', { BEDROCK_CLIENT: '' }, 'lean'],
  ])('%s', (_name, env, expected) => {
    expect(loadConfig(env).bedrockClient).toBe(expected);
  });

  it.each([
    [{ BEDROCK_CLIENT: 'lean', AWS_LAMBDA_FUNCTION_NAME: 'gateway' }, /BEDROCK_CLIENT: lean is not bundled into the Lambda function/],
    [{ BEDROCK_CLIENT: 'fast' }, /BEDROCK_CLIENT/],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
