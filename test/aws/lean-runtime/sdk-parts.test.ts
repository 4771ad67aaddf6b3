/**
 * The SDK pieces the lean client takes from outside the client's command API (lambda/src/aws/lean-runtime/
 * sdk-parts.ts) are where it expects them, in the shape it uses, at the versions the differential test
 * passed with. An SDK upgrade that moves or reshapes one fails here, not in production; after an upgrade,
 * run the differential test and update CHECKED_VERSIONS.
 */
import { readFileSync } from 'node:fs';
import * as parts from '../../../lambda/src/aws/lean-runtime/sdk-parts';

function installedVersion(pkg: string): string {
  return (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version: string }).version;
}

const root = JSON.parse(readFileSync(`${__dirname}/../../../package.json`, 'utf8')) as { dependencies: Record<string, string> };

describe('the SDK parts the lean client uses', () => {
  it.each(Object.entries(parts.CHECKED_VERSIONS))('%s is installed at the checked version %s', (pkg, version) => {
    expect(installedVersion(pkg)).toBe(version);
  });

  it('pins the runtime client exactly in package.json, so an upgrade is a deliberate change', () => {
    expect(root.dependencies['@aws-sdk/client-bedrock-runtime']).toBe(parts.CHECKED_VERSIONS['@aws-sdk/client-bedrock-runtime']);
  });

  it.each([
    ['Converse$', parts.Converse$, ['POST', '/model/{modelId}/converse', 200]],
    ['ConverseStream$', parts.ConverseStream$, ['POST', '/model/{modelId}/converse-stream', 200]],
    ['InvokeModel$', parts.InvokeModel$, ['POST', '/model/{modelId}/invoke', 200]],
  ])('the operation schema %s is a static operation with its HTTP binding', (_name, schema, http) => {
    const [kind, , , traits, input, output] = schema as unknown as [number, string, string, Record<string, unknown>, () => unknown, () => unknown];
    expect(kind).toBe(9);
    expect(Object.values(traits)).toContainEqual(http);
    expect([typeof input, typeof output]).toEqual(['function', 'function']);
    const op = parts.operation(...((schema as unknown as unknown[]).slice(1) as Parameters<typeof parts.operation>));
    expect(op).toMatchObject({ input: expect.anything(), output: expect.anything() });
  });

  it.each([
    ['getRetryAfterHint', parts.getRetryAfterHint],
    ['isThrottlingError', parts.isThrottlingError],
    ['isTransientError', parts.isTransientError],
    ['isServerError', parts.isServerError],
    ['recursionDetectionMiddleware', parts.recursionDetectionMiddleware],
    ['userAgentMiddleware', parts.userAgentMiddleware],
    ['getEndpointFromInstructions', parts.getEndpointFromInstructions],
    ['toEndpointV1', parts.toEndpointV1],
    ['buildQueryString', parts.buildQueryString],
    ['operation', parts.operation],
    ['DefaultIdentityProviderConfig', parts.DefaultIdentityProviderConfig],
    ['HttpRequest', parts.HttpRequest],
    ['HttpResponse', parts.HttpResponse],
  ])('%s is a function', (_name, fn) => {
    expect(typeof fn).toBe('function');
  });

  it('the middleware factories still take (next, context) and give a handler', () => {
    const next = async () => ({ output: {}, response: undefined });
    expect(typeof parts.recursionDetectionMiddleware()(next as never, {} as never)).toBe('function');
  });

  it('the retry headers keep their names', () => {
    expect([parts.INVOCATION_ID_HEADER, parts.REQUEST_HEADER]).toEqual(['amz-sdk-invocation-id', 'amz-sdk-request']);
  });

  it.each(['standard', 'adaptive'])(
    "the client's %s retry strategy has the v2 interface the lean retry loop drives",
    async (mode) => {
      const client = new parts.BedrockRuntimeClient({ region: 'us-east-1', retryMode: mode, maxAttempts: 4, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
      const strategy = (await (client.config as unknown as { retryStrategy(): Promise<Record<string, unknown>> }).retryStrategy()) as Record<string, unknown> & { acquireInitialRetryToken(s: string): Promise<{ getRetryCount(): number; getRetryDelay(): number }> };
      expect(strategy.mode).toBe(mode);
      for (const method of ['acquireInitialRetryToken', 'refreshRetryTokenForRetry', 'recordSuccess']) expect([method, typeof strategy[method]]).toEqual([method, 'function']);
      const token = await strategy.acquireInitialRetryToken('');
      expect([token.getRetryCount(), typeof token.getRetryDelay()]).toEqual([0, 'number']);
    },
  );

  it("the client's resolved configuration has the members the lean client reads", () => {
    const client = new parts.BedrockRuntimeClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    const config = client.config as unknown as Record<string, unknown> & { protocol: Record<string, unknown>; httpAuthSchemes: Array<{ schemeId: string; signer: Record<string, unknown> }> };
    for (const member of ['httpAuthSchemeProvider', 'authSchemePreference', 'credentials', 'region', 'retryStrategy', 'maxAttempts', 'bodyLengthChecker', 'defaultUserAgentProvider']) {
      expect([member, typeof config[member]]).toEqual([member, 'function']);
    }
    expect(typeof config.protocol.serializeRequest).toBe('function');
    expect(typeof config.protocol.deserializeResponse).toBe('function');
    expect(config.httpAuthSchemes.map((s) => s.schemeId)).toEqual(['aws.auth#sigv4', 'smithy.api#httpBearerAuth']);
    const sigv4 = config.httpAuthSchemes[0].signer;
    expect([typeof sigv4.sign, typeof sigv4.errorHandler, typeof sigv4.successHandler]).toEqual(['function', 'function', 'function']);
    expect(typeof parts.ConverseCommand.getEndpointParameterInstructions).toBe('function');
    expect(parts.SMITHY_CONTEXT_KEY).toBe('__smithy_context');
  });
});
