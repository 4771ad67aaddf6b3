import { listenDual } from './listener';
import { createRouter } from './router';
import { EmulatorState } from './state';
import type { Emulator } from './types';

export type * from './types';
export { emulatorVector } from './vector';
export { defaultReplyText, countWords, REPLY_PREFIX } from './converse-request';
export { splitWords } from './stream-events';
export { defaultFoundationModels, defaultInferenceProfiles, APPLICATION_PROFILE_ARN } from './catalog';
export { INITIAL_DEFAULTS } from './state';
export { emulatorPng, emulatorJpeg, pictureKey } from './picture';
export { STABILITY_ASPECT_RATIOS, TITAN_V2_SIZES } from './images';
export { emulatorRelevance } from './rerank';

/**
 * A local Bedrock (runtime + control plane) that the real AWS SDK clients talk to unmodified, over
 * HTTP/1.1 or h2c on one port. Signatures are accepted, never checked.
 */
export async function startEmulator(opts: { port?: number; host?: string } = {}): Promise<Emulator> {
  const host = opts.host ?? '127.0.0.1';
  const state = new EmulatorState();
  const lifetime = new AbortController();
  const listener = await listenDual(createRouter(state, lifetime.signal), { port: opts.port ?? 0, host });
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${listener.port}`;
  let closing: Promise<void> | undefined;

  return {
    url,
    port: listener.port,
    enqueue: (reply, enqueueOpts) => state.enqueue(reply, enqueueOpts),
    get requests() {
      return state.requests;
    },
    lastRequest: (operation) => state.lastRequest(operation),
    get openStreams() {
      return state.openStreams;
    },
    get inFlight() {
      return state.inFlight;
    },
    get streamedBytes() {
      return state.streamedBytes;
    },
    setDefaults: (defaults) => state.setDefaults(defaults),
    setFoundationModels: (models) => {
      state.foundationModels = [...models];
    },
    setInferenceProfiles: (profiles) => {
      state.inferenceProfiles = [...profiles];
    },
    failControlPlane: (error) => {
      state.controlPlaneError = error;
    },
    hold: () => state.holdCalls(),
    reset: () => state.reset(),
    close() {
      lifetime.abort();
      closing ??= listener.close();
      return closing;
    },
  };
}
