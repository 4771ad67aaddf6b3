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
    const message = (err as Error).message;
    for (const name of ['PORT', 'ENABLE_PROMPT_CACHING', 'MODEL_ALIASES']) expect(message).toContain(name);
  });
});
