import { setTimeout as delay } from 'node:timers/promises';
import { checkAdditionalFields } from './additional-fields';
import { parseConverseBody } from './converse-request';
import { BedrockError, requestId, sendError, streamExceptionMember } from './errors';
import { EVENTSTREAM_CONTENT_TYPE, eventFrame, exceptionFrame } from './eventstream';
import type { Exchange } from './exchange';
import { familyOf } from './families';
import { assertInvocable, resolveFoundationModelId } from './models';
import { resolveReply, type ResolvedReply } from './reply';
import type { EmulatorState } from './state';
import { metadataEvent, streamEvents } from './stream-events';
import type { ContentReply, ScriptableOperation } from './types';

export interface ModelCall {
  exchange: Exchange;
  state: EmulatorState;
  modelId: string;
  body: unknown;
  /** Aborted when the client leaves or the emulator closes. */
  signal: AbortSignal;
}

/** Resolves false instead of throwing when the wait is cut short. */
export async function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (ms <= 0) return !signal.aborted;
  try {
    await delay(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

/**
 * Applies the next queued reply for this call: an error or a drop is answered here ('done'); a content
 * reply is returned; undefined when nothing is queued.
 */
export function takeScript(call: ModelCall, operation: ScriptableOperation): ContentReply | undefined | 'done' {
  const reply = call.state.take(operation, call.modelId);
  if (reply === undefined) return undefined;
  if ('error' in reply) {
    sendError(call.exchange, BedrockError.from(reply.error));
    return 'done';
  }
  if ('dropConnection' in reply) {
    call.exchange.drop();
    return 'done';
  }
  return reply;
}

function prepare(call: ModelCall, operation: 'converse' | 'converse-stream'): ResolvedReply | undefined {
  assertInvocable(call.modelId, call.state.foundationModels);
  const body = parseConverseBody(call.body);
  const foundationModelId = resolveFoundationModelId(call.modelId, call.state.inferenceProfiles);
  const family = foundationModelId === undefined ? undefined : familyOf(foundationModelId);
  // Bedrock validates the merged native request before the model runs: no stream has started yet.
  checkAdditionalFields(family, body);
  const script = takeScript(call, operation);
  if (script === 'done') return undefined;
  return resolveReply(script, body, call.state.defaults, family);
}

export async function converse(call: ModelCall): Promise<void> {
  const started = Date.now();
  const reply = prepare(call, 'converse');
  if (reply === undefined || !(await sleep(reply.latencyMs, call.signal))) return;
  if (call.state.held && !(await call.state.passHold(call.signal))) return;
  call.exchange.start(200, { 'content-type': 'application/json', 'x-amzn-requestid': requestId() });
  call.exchange.end(
    JSON.stringify({
      output: { message: { role: 'assistant', content: reply.content } },
      stopReason: reply.stopReason,
      usage: reply.usage,
      metrics: { latencyMs: reply.scriptedLatencyMs ?? Date.now() - started },
    }),
  );
}

export async function converseStream(call: ModelCall): Promise<void> {
  const started = Date.now();
  const reply = prepare(call, 'converse-stream');
  if (reply === undefined || !(await sleep(reply.latencyMs, call.signal))) return;
  const { exchange, state } = call;
  exchange.start(200, { 'content-type': EVENTSTREAM_CONTENT_TYPE, 'x-amzn-requestid': requestId() });
  state.openStreams += 1;
  exchange.onClose(() => {
    state.openStreams -= 1;
  });

  const exception = reply.midStreamException;
  let deltas = 0;
  for (const { event, payload } of streamEvents(reply)) {
    const isDelta = event === 'contentBlockDelta';
    // Interruptions scripted past the last delta still happen, just before messageStop.
    if (isDelta || event === 'messageStop') {
      if (reply.dropAfterDeltas !== undefined && deltas >= reply.dropAfterDeltas) {
        exchange.drop();
        return;
      }
      if (exception && deltas >= exception.afterDeltas) {
        await exchange.write(
          exceptionFrame(streamExceptionMember(exception.type), exception.message ?? `Emulated ${exception.type}`),
        );
        exchange.end();
        return;
      }
    }
    if (isDelta && deltas > 0 && !(await sleep(reply.deltaDelayMs, call.signal))) return;
    if (isDelta && state.held && !(await state.passHold(call.signal))) return;
    const frame = eventFrame(event, payload);
    if (!(await exchange.write(frame))) return;
    state.streamedBytes += frame.length;
    if (isDelta) deltas += 1;
  }
  const latencyMs = reply.scriptedLatencyMs ?? Date.now() - started;
  const { event, payload } = metadataEvent(reply, latencyMs);
  await exchange.write(eventFrame(event, payload));
  exchange.end();
}
