import { CONTROL_PREFIX, handleControl } from './control-api';
import { listFoundationModels, listInferenceProfiles } from './control-plane';
import { converse, converseStream, type ModelCall } from './converse';
import { BedrockError, requestId, sendError } from './errors';
import type { Exchange } from './exchange';
import { invoke } from './invoke';
import type { EmulatorState } from './state';
import type { Operation, ScriptableOperation } from './types';

const MODEL_ROUTE = /^\/model\/([^/]+)\/(converse|converse-stream|invoke)$/;
const MODEL_HANDLERS: Readonly<Record<ScriptableOperation, (call: ModelCall) => Promise<void>>> = {
  converse,
  'converse-stream': converseStream,
  invoke,
};
const LIST_ROUTES: Readonly<Record<string, { operation: Operation; list: (state: EmulatorState, query: URLSearchParams) => object }>> = {
  '/foundation-models': { operation: 'list-foundation-models', list: listFoundationModels },
  '/inference-profiles': { operation: 'list-inference-profiles', list: listInferenceProfiles },
};

type Route =
  | { kind: 'model'; operation: ScriptableOperation; modelId: string }
  | { kind: 'list'; operation: Operation; list: (state: EmulatorState, query: URLSearchParams) => object };

function match(exchange: Exchange): Route | undefined {
  const model = exchange.method === 'POST' ? MODEL_ROUTE.exec(exchange.rawPath) : null;
  if (model) return { kind: 'model', operation: model[2] as ScriptableOperation, modelId: decodeURIComponent(model[1]) };
  const list = exchange.method === 'GET' ? LIST_ROUTES[exchange.rawPath] : undefined;
  return list && { kind: 'list', ...list };
}

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new BedrockError('ValidationException', 'Malformed input request: the body is not valid JSON');
  }
}

/** Routes one exchange; every Bedrock call is recorded and counted in flight until its response closes. */
export function createRouter(state: EmulatorState, lifetime: AbortSignal): (exchange: Exchange) => void {
  async function route(exchange: Exchange): Promise<void> {
    const matched = match(exchange);
    if (matched === undefined) {
      sendError(exchange, new BedrockError('UnknownOperationException', `No emulated operation for ${exchange.method} ${exchange.rawPath}`, 404));
      return;
    }
    state.inFlight += 1;
    exchange.onClose(() => {
      state.inFlight -= 1;
    });
    const raw = await exchange.body();
    let body: unknown;
    try {
      body = parseJson(raw);
    } finally {
      // Recorded even when malformed, so a test can see what the gateway actually sent.
      state.record({
        operation: matched.operation,
        modelId: matched.kind === 'model' ? matched.modelId : undefined,
        body: body ?? (raw.length > 0 ? raw.toString('utf8') : undefined),
        query: Object.fromEntries(exchange.query),
        headers: exchange.headers,
        protocol: exchange.protocol,
      });
    }
    if (matched.kind === 'list') {
      const result = matched.list(state, exchange.query);
      exchange.start(200, { 'content-type': 'application/json', 'x-amzn-requestid': requestId() });
      exchange.end(JSON.stringify(result));
      return;
    }
    const signal = AbortSignal.any([exchange.signal, lifetime]);
    await MODEL_HANDLERS[matched.operation]({ exchange, state, modelId: matched.modelId, body, signal });
  }

  return (exchange) => {
    if (exchange.rawPath.startsWith(CONTROL_PREFIX)) {
      void handleControl(exchange, state);
      return;
    }
    route(exchange).catch((error: unknown) => {
      if (exchange.closed) return;
      if (exchange.started) return exchange.drop();
      const bedrockError =
        error instanceof BedrockError
          ? error
          : new BedrockError('InternalServerException', `Emulator failure: ${error instanceof Error ? error.message : String(error)}`);
      sendError(exchange, bedrockError);
    });
  };
}
