import { defaultFoundationModels, defaultInferenceProfiles } from './catalog';
import type {
  EmulatorDefaults,
  EnqueueOptions,
  FoundationModelSummary,
  InferenceProfileSummary,
  Operation,
  RecordedRequest,
  ScriptableOperation,
  ScriptedError,
  ScriptedReply,
} from './types';

export const INITIAL_DEFAULTS: Readonly<EmulatorDefaults> = {
  replyText: null,
  deltaDelayMs: 0,
  textChunks: null,
  latencyMs: 0,
};

/** One `hold()`: the calls that reached it wait until it is released. */
interface Hold {
  readonly released: Promise<void>;
  release(): void;
}

/** Resolves true once `released` settles, or false as soon as `signal` aborts (client gone, emulator closing). */
function until(released: Promise<void>, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => resolve(false);
    signal.addEventListener('abort', onAbort, { once: true });
    void released.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(!signal.aborted);
    });
  });
}

interface QueuedReply {
  reply: ScriptedReply;
  modelId?: string;
  operations: ScriptableOperation[];
  remaining: number;
}

/** Everything tests can script or inspect; the routes only read it through these methods. */
export class EmulatorState {
  requests: RecordedRequest[] = [];
  defaults: EmulatorDefaults = { ...INITIAL_DEFAULTS };
  foundationModels: FoundationModelSummary[] = defaultFoundationModels();
  inferenceProfiles: InferenceProfileSummary[] = defaultInferenceProfiles();
  controlPlaneError: ScriptedError | null = null;
  openStreams = 0;
  inFlight = 0;
  /** Event-stream bytes the socket accepted, over the emulator's life (backpressure tests watch it stall). */
  streamedBytes = 0;
  private queue: QueuedReply[] = [];
  private holds = new Set<Hold>();
  /** The latest hold: where calls that reach their next step now wait. */
  private hold?: Hold;

  enqueue(reply: ScriptedReply, opts: EnqueueOptions = {}): void {
    if (typeof reply !== 'object' || reply === null) throw new Error('reply must be an object');
    const times = opts.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new Error(`times must be a positive integer, got ${times}`);
    this.queue.push({
      reply,
      modelId: opts.modelId,
      operations: opts.operations ?? ['converse', 'converse-stream'],
      remaining: times,
    });
  }

  /** Takes the first queued reply that fits this call, if any. */
  take(operation: ScriptableOperation, modelId: string): ScriptedReply | undefined {
    const index = this.queue.findIndex(
      (q) => q.operations.includes(operation) && (q.modelId === undefined || q.modelId === modelId),
    );
    if (index < 0) return undefined;
    const entry = this.queue[index];
    entry.remaining -= 1;
    if (entry.remaining === 0) this.queue.splice(index, 1);
    return entry.reply;
  }

  get queued(): number {
    return this.queue.length;
  }

  record(request: RecordedRequest): void {
    this.requests.push(request);
  }

  lastRequest(operation?: Operation): RecordedRequest | undefined {
    for (let i = this.requests.length - 1; i >= 0; i -= 1) {
      if (operation === undefined || this.requests[i].operation === operation) return this.requests[i];
    }
    return undefined;
  }

  setDefaults(partial: Partial<EmulatorDefaults>): void {
    this.defaults = { ...this.defaults, ...partial };
  }

  /** See `Emulator.hold`. */
  holdCalls(): () => void {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const hold: Hold = { released, release };
    this.holds.add(hold);
    this.hold = hold;
    return () => {
      this.holds.delete(hold);
      if (this.hold === hold) this.hold = undefined;
      release();
    };
  }

  /** Whether a call reaching its next step now would wait (callers skip the await when not). */
  get held(): boolean {
    return this.hold !== undefined;
  }

  /** Waits while a hold is on; false when `signal` ended the wait (the call should stop). */
  passHold(signal: AbortSignal): Promise<boolean> {
    return this.hold ? until(this.hold.released, signal) : Promise.resolve(!signal.aborted);
  }

  /** Counters stay: they describe connections that are still open. Holds are released. */
  reset(): void {
    for (const hold of this.holds) hold.release();
    this.holds.clear();
    this.hold = undefined;
    this.queue = [];
    this.requests = [];
    this.defaults = { ...INITIAL_DEFAULTS };
    this.foundationModels = defaultFoundationModels();
    this.inferenceProfiles = defaultInferenceProfiles();
    this.controlPlaneError = null;
  }
}
