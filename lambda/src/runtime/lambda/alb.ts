/**
 * Lambda entry for ALB target groups. The ALB buffers responses, so SSE bodies arrive all at once.
 * Dependencies are built at cold start without any network call; keys load on the first request.
 *
 * An ALB accepts at most 1 MB of response JSON from a Lambda function and answers its own HTML 502 beyond
 * that. Event streams therefore go out as plain text (Hono's adapter would base64 them, a third larger),
 * with consecutive text chunks joined (the client gets the body at once anyway), and under a budget
 * measured the way that limit counts them, ending with an OpenAI error event before it.
 */
import { defaultIsContentTypeBinary, handle } from 'hono/aws-lambda';
import { createApp } from '../../app';
import type { SseBudget } from '../../http/sse';
import { depsFromEnv } from '../deps';

/** The ALB's limit on the response JSON of a Lambda target (1 MB, counted here in decimal to stay under it). */
export const ALB_RESPONSE_LIMIT_BYTES = 1_000_000;
/** Room left for the rest of the response JSON: status code, headers, the envelope's own fields. */
const ENVELOPE_BYTES = 16_384;

/** The body's share of the limit: its size once escaped as a JSON string, as it travels in the response. */
export const ALB_SSE_BUDGET: SseBudget = {
  maxBytes: ALB_RESPONSE_LIMIT_BYTES - ENVELOPE_BYTES,
  reserveBytes: 2_048,
  sizeOf: (frame) => Buffer.byteLength(JSON.stringify(frame)) - 2,
};

/** Text stays text: SSE and JSON bodies are not base64-encoded. */
export function isContentTypeBinary(contentType: string): boolean {
  return /^text\/event-stream\s*(;|$)/i.test(contentType) ? false : defaultIsContentTypeBinary(contentType);
}

export const handler = handle(createApp({ ...depsFromEnv(process.env), sseBudget: ALB_SSE_BUDGET }), { isContentTypeBinary });
