/**
 * In-process dependencies for route tests with `app.request()`: a scripted BedrockRuntime instead of the
 * wire. The end-to-end suite covers the real SDK against the emulator.
 */
import type { ConverseResponse, ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { ApiKeyStore } from '../../lambda/src/auth/key-store';
import type { BedrockRuntime } from '../../lambda/src/aws/bedrock-runtime';
import { loadConfig } from '../../lambda/src/config';
import type { AppDeps } from '../../lambda/src/deps';
import { silentLogger } from '../../lambda/src/log/logger';
import { createStaticResolver } from '../../lambda/src/models/resolver';

export const KEY = 'sk-route-test';

export function textResponse(text: string): ConverseResponse {
  return { output: { message: { role: 'assistant', content: [{ text }] } }, stopReason: 'end_turn', usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 }, metrics: { latencyMs: 1 } };
}

export function fakeBedrock(overrides: Partial<BedrockRuntime> = {}): BedrockRuntime & { calls: unknown[] } {
  const calls: unknown[] = [];
  return {
    calls,
    converse: async (input) => {
      calls.push(input);
      return textResponse('ok');
    },
    converseStream: async (input) => {
      calls.push(input);
      async function* events(): AsyncGenerator<ConverseStreamOutput> {
        yield { messageStart: { role: 'assistant' } };
        yield { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'ok' } } };
        yield { messageStop: { stopReason: 'end_turn' } };
      }
      return events();
    },
    invokeModel: async () => ({}),
    ...overrides,
  };
}

export function fakeDeps(env: Record<string, string> = {}, bedrock: BedrockRuntime = fakeBedrock()): AppDeps {
  const config = loadConfig({ API_KEY: KEY, LOG_LEVEL: 'SILENT', ...env });
  return {
    config,
    bedrock,
    keys: new ApiKeyStore({ literal: config.apiKeys.literal, fetchers: [], refreshSeconds: 60 }),
    models: createStaticResolver({
      aliases: config.modelAliases,
      aliasGptToDefault: config.aliasGptToDefault,
      allowlist: config.modelAllowlist,
      defaultModel: config.defaultModel,
      defaultEmbeddingModel: config.defaultEmbeddingModel,
    }),
    logger: silentLogger,
  };
}

export const auth = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
export const chatBody = (extra: Record<string, unknown> = {}) => JSON.stringify({ model: 'anthropic.claude-3-5-haiku-20241022-v1:0', messages: [{ role: 'user', content: 'hi' }], ...extra });
