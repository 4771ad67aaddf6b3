import type { HeaderMap } from './exchange';

export type Operation =
  | 'converse'
  | 'converse-stream'
  | 'invoke'
  | 'list-foundation-models'
  | 'list-inference-profiles';

/** The operations a scripted reply can be queued for. */
export type ScriptableOperation = 'converse' | 'converse-stream' | 'invoke';

export interface RecordedRequest {
  readonly operation: Operation;
  /** Decoded model id (or ARN) from the path, for model operations. */
  readonly modelId?: string;
  /** Parsed JSON body; `undefined` for GET requests or an empty body. */
  readonly body: unknown;
  /** Query string parameters (control-plane calls). */
  readonly query: Record<string, string>;
  readonly headers: HeaderMap;
  /** 'h2' when the client spoke HTTP/2, 'http/1.1' otherwise. */
  readonly protocol: 'h2' | 'http/1.1';
}

/** A Bedrock error: `type` is the exception name; the status follows from it unless given. */
export interface ScriptedError {
  type: string;
  message?: string;
  status?: number;
}

export type OutputBlock =
  | { text: string }
  | { toolUse: { toolUseId: string; name: string; input: unknown } }
  | { reasoningContent: { reasoningText: { text: string; signature?: string } } }
  /** base64 of the opaque bytes, as Bedrock's JSON carries blobs. */
  | { reasoningContent: { redactedContent: string } };

export interface ScriptedUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadInputTokens: number;
  cacheWriteInputTokens: number;
}

export interface ContentReply {
  content?: OutputBlock[];
  /** Default 'end_turn', or 'tool_use' when a toolUse block is present. */
  stopReason?: string;
  usage?: Partial<ScriptedUsage>;
  /** Wait this long before answering (before the first byte when streaming). */
  latencyMs?: number;
  /** Streaming: pause between deltas. */
  deltaDelayMs?: number;
  /** Streaming: split each text block into this many deltas (default one per word). */
  textChunks?: number;
  /** Streaming: after N deltas, send an exception event and end the stream. */
  midStreamException?: { type: string; message?: string; afterDeltas: number };
  /** Streaming: destroy the connection (HTTP/2: reset the stream) after N deltas. */
  dropAfterDeltas?: number;
  /**
   * InvokeModel on an image model: what the content filters block. `prompt`: the request (Nova and Titan
   * answer a ValidationException, Stability `finish_reasons: ["Filter reason: prompt"]`); `output`: every
   * image; `{blockedImages}`: that many (Nova and Titan answer 200 with the rest and an `error`).
   */
  contentFilter?: 'prompt' | 'output' | { blockedImages: number };
  /** InvokeModel: answer 200 with this JSON body instead of the generated one (after the request is validated). */
  invokeBody?: unknown;
}

export type ScriptedReply = { error: ScriptedError } | { dropConnection: true } | ContentReply;

export interface EnqueueOptions {
  /** Only a call for exactly this model id (as decoded from the path) takes the reply. */
  modelId?: string;
  /** How many calls the reply serves; default 1. */
  times?: number;
  /** Which operations may take it; default converse and converse-stream. */
  operations?: ScriptableOperation[];
}

export interface EmulatorDefaults {
  /** Fixed reply text; null means `Emulated reply to: <last user text>`. */
  replyText: string | null;
  /** Pause between streamed deltas. */
  deltaDelayMs: number;
  /** Deltas per text block; null means one per word. */
  textChunks: number | null;
  /** Wait before answering any model call (converse, converse-stream, invoke). */
  latencyMs: number;
}

export interface FoundationModelSummary {
  modelArn: string;
  modelId: string;
  modelName: string;
  providerName: string;
  inputModalities: string[];
  outputModalities: string[];
  responseStreamingSupported: boolean;
  customizationsSupported: string[];
  inferenceTypesSupported: string[];
  modelLifecycle: { status: 'ACTIVE' | 'LEGACY' };
}

export interface InferenceProfileSummary {
  inferenceProfileName: string;
  description?: string;
  /** ISO-8601. */
  createdAt: string;
  updatedAt: string;
  inferenceProfileArn: string;
  models: Array<{ modelArn: string }>;
  inferenceProfileId: string;
  status: 'ACTIVE';
  type: 'SYSTEM_DEFINED' | 'APPLICATION';
}

export interface EmulatorStats {
  openStreams: number;
  inFlight: number;
  requestCount: number;
  streamedBytes: number;
}

export interface Emulator {
  readonly url: string;
  readonly port: number;
  /** Queue a reply for the next matching call (FIFO). */
  enqueue(reply: ScriptedReply, opts?: EnqueueOptions): void;
  /** Every request received, in order (control API calls excluded). */
  readonly requests: readonly RecordedRequest[];
  lastRequest(operation?: Operation): RecordedRequest | undefined;
  /** Converse-stream responses currently open. */
  readonly openStreams: number;
  /** Model and control-plane calls in flight. */
  readonly inFlight: number;
  /**
   * Converse-stream bytes handed to the socket so far (never reset). A client that stops reading makes it
   * stop growing once the transport's buffers are full: how a test sees backpressure work end to end.
   */
  readonly streamedBytes: number;
  setDefaults(defaults: Partial<EmulatorDefaults>): void;
  setFoundationModels(models: FoundationModelSummary[]): void;
  setInferenceProfiles(profiles: InferenceProfileSummary[]): void;
  /** Make ListFoundationModels and ListInferenceProfiles fail (null to heal). */
  failControlPlane(error: ScriptedError | null): void;
  /**
   * Holds model calls until the returned function is called, so a test can order events instead of timing
   * them: Converse and InvokeModel calls wait before answering, and ConverseStream responses (open, headers
   * and `messageStart` sent) wait before their next content delta. A call that reaches that point while this
   * is the latest hold waits for this release; calling `hold()` again before releasing the previous one
   * lets a waiting stream send exactly one more delta. A client leaving or `close()` ends the wait.
   */
  hold(): () => void;
  /** Clears the queue, recorded requests, defaults and catalog overrides, and releases every hold. */
  reset(): void;
  close(): Promise<void>;
}
