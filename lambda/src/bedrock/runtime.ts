/**
 * The one Bedrock runtime client of the process. Endpoint, credentials and retry count come from the SDK's
 * own configuration chain (AWS_ENDPOINT_URL_BEDROCK_RUNTIME, AWS_MAX_ATTEMPTS, …), never overridden here.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  type ConverseCommandInput,
  type ConverseResponse,
  type ConverseStreamCommandInput,
  type ConverseStreamOutput,
} from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export interface BedrockRuntime {
  converse(input: ConverseCommandInput, signal?: AbortSignal): Promise<ConverseResponse>;
  /** Resolves once Bedrock accepted the request (HTTP errors reject here); events follow. */
  converseStream(input: ConverseStreamCommandInput, signal?: AbortSignal): Promise<AsyncIterable<ConverseStreamOutput>>;
  /** InvokeModel with a JSON body and a JSON answer (embeddings). */
  invokeModel(modelId: string, body: unknown, signal?: AbortSignal): Promise<unknown>;
}

export interface BedrockRuntimeOptions {
  readonly region: string;
  /** Upper bound on concurrent upstream connections. @default 512 */
  readonly maxSockets?: number;
}

/**
 * HTTP/1.1 with keep-alive: measured cheaper per call than the SDK's default HTTP/2 handler, and a plain
 * agent pools connections across requests.
 */
export function createBedrockRuntime(options: BedrockRuntimeOptions): BedrockRuntime {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 512, keepAliveMsecs: 1000 };
  const client = new BedrockRuntimeClient({
    region: options.region,
    requestHandler: new NodeHttpHandler({ httpAgent: new HttpAgent(agentOptions), httpsAgent: new HttpsAgent(agentOptions), connectionTimeout: 10_000 }),
  });
  return wrapClient(client);
}

export function wrapClient(client: BedrockRuntimeClient): BedrockRuntime {
  const decoder = new TextDecoder();
  return {
    converse: (input, signal) => client.send(new ConverseCommand(input), { abortSignal: signal }),
    async converseStream(input, signal) {
      const out = await client.send(new ConverseStreamCommand(input), { abortSignal: signal });
      if (!out.stream) throw new Error('ConverseStream returned no stream');
      return out.stream;
    },
    async invokeModel(modelId, body, signal) {
      const out = await client.send(
        new InvokeModelCommand({ modelId, body: JSON.stringify(body), contentType: 'application/json', accept: 'application/json' }),
        { abortSignal: signal },
      );
      return JSON.parse(decoder.decode(out.body));
    },
  };
}
