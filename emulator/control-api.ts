import type { Exchange } from './exchange';
import type { EmulatorState } from './state';
import type { EmulatorDefaults, EnqueueOptions, FoundationModelSummary, InferenceProfileSummary, ScriptedError, ScriptedReply } from './types';

/** HTTP face of the programmatic API, for a benchmark or demo driving the emulator from another process. */

export const CONTROL_PREFIX = '/__emulator/';

type Body = Record<string, unknown>;

interface ControlRoute {
  method: 'GET' | 'POST';
  run(state: EmulatorState, body: Body): unknown;
}

const ROUTES: Readonly<Record<string, ControlRoute>> = {
  enqueue: {
    method: 'POST',
    run(state, body) {
      state.enqueue(body.reply as ScriptedReply, {
        modelId: body.modelId,
        times: body.times,
        operations: body.operations,
      } as EnqueueOptions);
      return { queued: state.queued };
    },
  },
  requests: { method: 'GET', run: (state) => state.requests },
  stats: {
    method: 'GET',
    run: (state) => ({ openStreams: state.openStreams, inFlight: state.inFlight, requestCount: state.requests.length, streamedBytes: state.streamedBytes }),
  },
  defaults: {
    method: 'POST',
    run(state, body) {
      state.setDefaults(body as Partial<EmulatorDefaults>);
      return state.defaults;
    },
  },
  'foundation-models': {
    method: 'POST',
    run(state, body) {
      state.foundationModels = body.models as FoundationModelSummary[];
      return { count: state.foundationModels.length };
    },
  },
  'inference-profiles': {
    method: 'POST',
    run(state, body) {
      state.inferenceProfiles = body.profiles as InferenceProfileSummary[];
      return { count: state.inferenceProfiles.length };
    },
  },
  'fail-control-plane': {
    method: 'POST',
    run(state, body) {
      state.controlPlaneError = (body.error ?? null) as ScriptedError | null;
      return { failing: state.controlPlaneError !== null };
    },
  },
  reset: {
    method: 'POST',
    run(state) {
      state.reset();
      return { reset: true };
    },
  },
};

export async function handleControl(exchange: Exchange, state: EmulatorState): Promise<void> {
  const route = ROUTES[exchange.rawPath.slice(CONTROL_PREFIX.length)];
  const reply = (status: number, value: unknown): void => {
    exchange.start(status, { 'content-type': 'application/json' });
    exchange.end(JSON.stringify(value));
  };
  if (route === undefined) return reply(404, { message: `No control route ${exchange.rawPath}` });
  if (route.method !== exchange.method) return reply(405, { message: `Use ${route.method} for ${exchange.rawPath}` });
  try {
    const raw = (await exchange.body()).toString('utf8');
    reply(200, route.run(state, raw === '' ? {} : (JSON.parse(raw) as Body)));
  } catch (error) {
    reply(400, { message: error instanceof Error ? error.message : String(error) });
  }
}
