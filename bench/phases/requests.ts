/** The request every lane sends, in its three shapes: OpenAI chat, Bedrock Converse wire body, SDK input. */
import type { ConverseCommandInput } from '@aws-sdk/client-bedrock-runtime';
import { API_KEY, MODEL } from '../lib/rig';

/** ~20 words, streamed as `DELTAS` deltas: a short but realistic answer. */
export const REPLY_TEXT =
  'Hello! Here is a short, friendly answer from the emulated model, long enough to stream as twenty separate text deltas for the benchmark.';
export const DELTAS = 20;

export const CHAT_REQUEST = {
  model: MODEL,
  messages: [
    { role: 'system', content: 'You are a concise assistant.' },
    { role: 'user', content: 'Say hello in one short sentence.' },
  ],
  max_tokens: 256,
  temperature: 0.2,
};

export const GATEWAY_HEADERS = { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` };

export const chatBody = (stream: boolean): string => JSON.stringify(stream ? { ...CHAT_REQUEST, stream: true } : CHAT_REQUEST);

export const emulatorPath = (operation: 'converse' | 'converse-stream'): string => `/model/${encodeURIComponent(MODEL)}/${operation}`;

/** The Converse wire body as the gateway sent it is also valid SDK input for these plain-text fields. */
export function sdkInput(wireBody: unknown): ConverseCommandInput {
  return { ...(wireBody as Omit<ConverseCommandInput, 'modelId'>), modelId: MODEL };
}
