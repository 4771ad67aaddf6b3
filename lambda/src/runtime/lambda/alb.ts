/**
 * Lambda entry for ALB target groups. The ALB buffers responses, so SSE bodies arrive all at once.
 * Dependencies are built at cold start without any network call; keys load on the first request.
 *
 * An ALB accepts at most 1 MB of response JSON from a Lambda function and answers its own HTML 502 beyond
 * that. Event streams therefore go out as plain text (Hono's adapter would base64 them, a third larger),
 * with consecutive text chunks joined (the client gets the body at once anyway), and under a budget
 * measured the way that limit counts them, ending with an OpenAI error event before it.
 */
import type { ALBEvent, ALBResult } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { defaultIsContentTypeBinary, handle } from 'hono/aws-lambda';
import { createApp } from '../../app';
import { GatewayError } from '../../http/errors';
import type { SseBudget } from '../../http/sse';
import { depsFromEnv } from '../deps';
import { writingUsageBeforeTheEnd } from './usage-writes';

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

const deps = depsFromEnv(process.env);
const app = handle(writingUsageBeforeTheEnd(createApp({ ...deps, sseBudget: ALB_SSE_BUDGET }), deps.managedKeys), { isContentTypeBinary });


/**
 * What makes an event impossible to turn into a web Request, checked before the adapter tries (it would
 * answer text/plain and log the event's error through console.error): a header a Headers object refuses
 * (CR, LF, NUL), or a base64 body that is not base64.
 */
export function albEventProblem(event: ALBEvent): string | undefined {
  const pairs: Array<[string, string]> = [
    ...Object.entries(event.headers ?? {}).map(([k, v]): [string, string] => [k, String(v ?? '')]),
    ...Object.entries(event.multiValueHeaders ?? {}).flatMap(([k, vs]) => (vs ?? []).map((v): [string, string] => [k, String(v)])),
  ];
  try {
    new Headers(pairs);
  } catch {
    return 'a header name or value is not valid HTTP';
  }
  if (event.isBase64Encoded && event.body) {
    try {
      atob(event.body);
    } catch {
      return 'the body is marked base64 but is not';
    }
  }
  return undefined;
}

/** The OpenAI-shaped 400 for an event that cannot be served, in the header style the ALB sent. */
function refusal(event: ALBEvent, reason: string): ALBResult {
  const requestId = randomUUID();
  deps.logger.warn('ALB event refused', { requestId, reason });
  const body = JSON.stringify(new GatewayError(400, `The request is not valid: ${reason}.`, { code: 'malformed_http' }).toBody());
  const headers = { 'content-type': 'application/json', 'x-request-id': requestId };
  return {
    statusCode: 400,
    statusDescription: '400 Bad Request',
    ...(event.multiValueHeaders ? { multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])) } : { headers }),
    body,
    isBase64Encoded: false,
  };
}

export const handler = async (event: ALBEvent, context?: unknown): Promise<ALBResult> => {
  const problem = albEventProblem(event);
  if (problem) return refusal(event, problem);
  return (await app(event as unknown as Parameters<typeof app>[0], context as never)) as ALBResult;
};
