/**
 * The lean Bedrock runtime client: the SDK's own parts without the SDK's per-call middleware stack.
 *
 * Kept from the SDK, unchanged: the client's resolved configuration (region, the memoized default credential
 * chain, bearer tokens from AWS_BEARER_TOKEN_BEDROCK, AWS_MAX_ATTEMPTS / AWS_RETRY_MODE and the retry strategy
 * they choose, the user-agent provider), the endpoint rules (AWS_ENDPOINT_URL_BEDROCK_RUNTIME, FIPS,
 * dual-stack), the auth-scheme choice and its signer (SigV4 through `@smithy/signature-v4`, with clock-skew
 * correction; or the bearer signer), the `AwsRestJsonProtocol` serde with the client's exception classes and
 * event-stream unmarshalling, the retry strategy with its error classification (run by `retry.ts`, the retry
 * middleware's loop without its per-call costs), and the recursion-detection middleware on Lambda.
 *
 * Replaced: the middleware stack (resolved per call by the SDK) by the short fixed sequence below; the
 * endpoint, the auth-scheme choice and the user-agent headers are worked out once, not per call; and
 * `NodeHttpHandler` by an undici pool (`transport.ts`). What each call still does, in the SDK's order:
 * serialize → content-length, host, user agent, trace header → retry loop { sign → send → deserialize }.
 */
import type { ConverseCommandInput, ConverseResponse, ConverseStreamCommandInput, ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { bedrockRuntimeOf, type BedrockRuntime } from '../bedrock-runtime';
import {
  BedrockRuntimeClient,
  ConverseCommand,
  Converse$,
  ConverseStream$,
  DefaultIdentityProviderConfig,
  getEndpointFromInstructions,
  HttpRequest,
  InvokeModel$,
  operation,
  recursionDetectionMiddleware,
  SMITHY_CONTEXT_KEY,
  toEndpointV1,
  userAgentMiddleware,
  type HttpResponse,
} from './sdk-parts';
import { retryPolicyOf, withRetries, type RetryPolicy } from './retry';
import { UndiciTransport } from './transport';

export interface LeanRuntimeOptions {
  readonly region: string;
  /** Upper bound on concurrent upstream connections. @default unlimited */
  readonly maxSockets?: number;
  /** @default 10000, as the SDK client the gateway built before */
  readonly connectTimeoutMs?: number;
}

export interface LeanBedrockRuntime extends BedrockRuntime {
  /** Closes the idle connections (tests, shutdown). */
  close(): Promise<void>;
}

// The SDK's configuration and schemas are loosely typed at this level; these are the few shapes used.
type Config = Record<string, any>;
type OperationSchema = ReturnType<typeof operation>;
interface AuthOption {
  schemeId: string;
  signingProperties?: Record<string, unknown>;
  identityProperties?: Record<string, unknown>;
  propertiesExtractor?: (config: Config, context: object) => { identityProperties?: Record<string, unknown>; signingProperties?: Record<string, unknown> };
}
interface Signer {
  sign(request: HttpRequest, identity: unknown, signingProperties: Record<string, unknown>): Promise<HttpRequest>;
  errorHandler?: (signingProperties: Record<string, unknown>) => (error: unknown) => never;
  successHandler?: (response: unknown, signingProperties: Record<string, unknown>) => void;
}
interface ChosenAuth {
  readonly option: AuthOption;
  readonly identityProvider: (properties: Record<string, unknown>) => Promise<unknown>;
  readonly signer: Signer;
}
interface Resolved {
  readonly config: Config;
  readonly endpointV2: { properties?: { authSchemes?: Array<Record<string, unknown>> } };
  /** What the endpoint's first auth scheme adds to the signing properties (signing name and region). */
  readonly endpointSigning: Record<string, unknown>;
  readonly serializeContext: { endpoint(): Promise<unknown> };
  readonly auth: ChosenAuth;
  readonly userAgent: Readonly<Record<string, string>>;
  readonly retry: RetryPolicy;
  /** The config the signer sees: the client's, with one signer kept per signing scheme (`signingConfigOf`). */
  readonly signingConfig: Config;
}
type Handler = (args: { input: object; request: HttpRequest }) => Promise<{ response: HttpResponse; output: any }>;

const schemaOf = (s: unknown): OperationSchema => {
  const [, ...parts] = s as [number, ...Parameters<typeof operation>];
  return operation(...parts);
};
const CONVERSE = schemaOf(Converse$);
const CONVERSE_STREAM = schemaOf(ConverseStream$);
const INVOKE_MODEL = schemaOf(InvokeModel$);

/** The SDK's preference order: preferred scheme names first, then the rest as the service lists them. */
function orderByPreference(options: AuthOption[], preference: readonly string[]): AuthOption[] {
  const preferred = preference.flatMap((name) => options.filter((o) => o.schemeId.split('#')[1] === name));
  return [...preferred, ...options.filter((o) => !preferred.includes(o))];
}

async function resolve(options: LeanRuntimeOptions): Promise<Resolved> {
  const client = new BedrockRuntimeClient({ region: options.region });
  const config = client.config as Config;
  const endpointV2 = (await getEndpointFromInstructions({}, ConverseCommand, config, { logger: config.logger })) as Resolved['endpointV2'];
  const endpointV1 = toEndpointV1(endpointV2 as Parameters<typeof toEndpointV1>[0]);
  const first = endpointV2.properties?.authSchemes?.[0];
  const endpointSigning = first
    ? { signing_region: first.signingRegion, signingRegion: first.signingRegion, signing_service: first.signingName, signingName: first.signingName, signingRegionSet: first.signingRegionSet, ...(first.properties as object) }
    : {};

  const candidates = config.httpAuthSchemeProvider({ operation: 'Converse', region: await config.region() }) as AuthOption[];
  const preference = config.authSchemePreference ? ((await config.authSchemePreference()) as string[]) : [];
  const identities = new DefaultIdentityProviderConfig({ 'aws.auth#sigv4': config.credentials, 'smithy.api#httpBearerAuth': config.token });
  const reasons: string[] = [];
  let auth: ChosenAuth | undefined;
  for (const option of orderByPreference(candidates, preference)) {
    const scheme = (config.httpAuthSchemes as Array<{ schemeId: string; identityProvider(c: unknown): ChosenAuth['identityProvider'] | undefined; signer: Signer }>).find((s) => s.schemeId === option.schemeId);
    if (!scheme) {
      reasons.push(`HttpAuthScheme \`${option.schemeId}\` was not enabled for this service.`);
      continue;
    }
    const identityProvider = scheme.identityProvider(identities);
    if (!identityProvider) {
      reasons.push(`HttpAuthScheme \`${option.schemeId}\` did not have an IdentityProvider configured.`);
      continue;
    }
    auth = { option, identityProvider, signer: scheme.signer };
    break;
  }
  if (!auth) throw new Error(reasons.join('\n'));

  // The SDK's own user-agent middleware, run once on an empty request: its headers for every call.
  const probe = new HttpRequest({ headers: {} });
  await userAgentMiddleware(config as Parameters<typeof userAgentMiddleware>[0])(async (args) => ({ output: args as never, response: undefined }), {})({ input: {}, request: probe });
  return {
    config,
    signingConfig: signingConfigOf(config),
    endpointV2,
    endpointSigning,
    serializeContext: { endpoint: async () => endpointV1 },
    auth,
    userAgent: { ...probe.headers },
    retry: await retryPolicyOf(config as Parameters<typeof retryPolicyOf>[0]),
  };
}

type SignerProvider = (authScheme?: { name?: string; signingName?: string; signingRegion?: string }) => Promise<unknown>;

/**
 * The client's config as the SigV4 signer reads it, except that its `signer` provider, which builds a new
 * SignatureV4 (from a copy of the whole config) for every call, answers one instance per signing scheme: the
 * same signer, built once, whose signing-key cache then saves the HMAC chain of every later call. Writes the
 * signer makes (the clock-skew offset) land on this object, which every call shares.
 */
function signingConfigOf(config: Config): Config {
  const build = (config as { signer?: SignerProvider }).signer;
  if (!build) return config;
  const signers = new Map<string, Promise<unknown>>();
  const signer: SignerProvider = (authScheme) => {
    const key = `${authScheme?.name}\n${authScheme?.signingName}\n${authScheme?.signingRegion}`;
    let held = signers.get(key);
    if (!held) {
      held = build(authScheme);
      signers.set(key, held);
      held.catch(() => signers.delete(key));
    }
    return held;
  };
  return Object.assign(Object.create(config) as Config, { signer });
}

export function createLeanBedrockRuntime(options: LeanRuntimeOptions): LeanBedrockRuntime {
  const transport = new UndiciTransport({ maxSockets: options.maxSockets, connectTimeoutMs: options.connectTimeoutMs ?? 10_000 });
  let resolved: Promise<Resolved> | undefined;
  const setup = (): Promise<Resolved> => {
    // A failed setup (say, no region) fails this call and is tried again by the next, as the SDK would.
    resolved ??= resolve(options).catch((err: unknown) => {
      resolved = undefined;
      throw err;
    });
    return resolved;
  };
  // Read once: whether this process is a Lambda function does not change.
  const onLambda = typeof process.env.AWS_LAMBDA_FUNCTION_NAME === 'string';
  const traceHeader = recursionDetectionMiddleware();

  async function call(schema: OperationSchema, input: object, signal: AbortSignal | undefined, collect: boolean): Promise<any> {
    const r = await setup();
    const { config, auth } = r;
    const context: Record<string | symbol, unknown> = {
      logger: config.logger,
      endpointV2: r.endpointV2,
      authSchemes: r.endpointV2.properties?.authSchemes,
      [SMITHY_CONTEXT_KEY]: signal ? { abortSignal: signal } : {},
    };
    const extracted = auth.option.propertiesExtractor?.(r.signingConfig, context) ?? {};
    const identityProperties = { ...auth.option.identityProperties, ...extracted.identityProperties };
    const signingProperties = { ...auth.option.signingProperties, ...extracted.signingProperties, ...r.endpointSigning };
    const identity = await auth.identityProvider(identityProperties);

    const request = (await config.protocol.serializeRequest(schema, input, r.serializeContext)) as HttpRequest;
    const headers = request.headers;
    if (request.body != null && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')) {
      const length = config.bodyLengthChecker(request.body) as number | undefined;
      if (length !== undefined) headers['content-length'] = String(length);
    }
    if (!headers.host) headers.host = request.port != null ? `${request.hostname}:${request.port}` : request.hostname;
    Object.assign(headers, r.userAgent);

    const attempt = async (unsigned: HttpRequest): Promise<Awaited<ReturnType<Handler>>> => {
      const signed = await auth.signer.sign(unsigned, identity, signingProperties);
      let result: Awaited<ReturnType<Handler>>;
      try {
        const response = await transport.send(signed, signal, collect);
        result = { response, output: await deserialize(config, schema, response) };
      } catch (err) {
        if (auth.signer.errorHandler) auth.signer.errorHandler(signingProperties)(err);
        throw err;
      }
      auth.signer.successHandler?.(result.response, signingProperties);
      return result;
    };
    const withRetry: Handler = (args) => withRetries(r.retry, args.request, signal, () => attempt(args.request));
    const send: Handler = onLambda ? (traceHeader(withRetry as never, context as never) as unknown as Handler) : withRetry;
    return (await send({ input, request })).output;
  }

  return Object.assign(
    bedrockRuntimeOf({
      converse: (input: ConverseCommandInput, signal?: AbortSignal) => call(CONVERSE, input, signal, true) as Promise<ConverseResponse>,
      converseStream: (input: ConverseStreamCommandInput, signal?: AbortSignal) => call(CONVERSE_STREAM, input, signal, false) as Promise<{ stream?: AsyncIterable<ConverseStreamOutput> }>,
      invokeModel: (input, signal) => call(INVOKE_MODEL, input, signal, true) as Promise<{ body: Uint8Array }>,
    }),
    { close: () => transport.close() },
  );
}

/** The SDK's deserializer step: the protocol's own parsing, and a failed parse decorated as the SDK does it. */
async function deserialize(config: Config, schema: OperationSchema, response: HttpResponse): Promise<unknown> {
  try {
    return await config.protocol.deserializeResponse(schema, config, response);
  } catch (error) {
    if (typeof error !== 'object' || error === null) throw error;
    Object.defineProperty(error, '$response', { value: response, enumerable: false, writable: false, configurable: false });
    if (!('$metadata' in error)) {
      const e = error as { message?: string; $metadata?: object };
      try {
        e.message += '\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.';
      } catch {
        // a read-only message stays as it is
      }
      const headerEntries = Object.entries(response.headers);
      const find = (pattern: RegExp) => headerEntries.find(([k]) => pattern.test(k))?.[1];
      e.$metadata = { httpStatusCode: response.statusCode, requestId: find(/^x-[\w-]+-request-?id$/), extendedRequestId: find(/^x-[\w-]+-id-2$/), cfId: find(/^x-[\w-]+-cf-id$/) };
    }
    throw error;
  }
}
