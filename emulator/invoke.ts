import { sleep, takeScript, type ModelCall } from './converse';
import { embeddingFamily, invokeEmbedding } from './embeddings';
import { BedrockError, requestId } from './errors';
import { imageFamily, prepareImage } from './images';
import { assertInvocable, resolveFoundationModelId } from './models';
import { invokeRerank, rerankFamily } from './rerank';
import type { ContentReply } from './types';

type Answer = (script: ContentReply | undefined) => { body: unknown; inputTokens?: number };

/** An answer that does not depend on the script (embeddings, rerank). */
const fixed = (body: unknown, inputTokens?: number): Answer => () => ({ body, inputTokens });

/** The model's family, as a validator of its body (Bedrock's 400s come before any scripted reply is taken). */
function familyOf(foundationModelId: string | undefined): ((body: unknown) => Answer) | undefined {
  if (foundationModelId === undefined) return undefined;
  const embedding = embeddingFamily(foundationModelId);
  const image = imageFamily(foundationModelId);
  const rerank = rerankFamily(foundationModelId);
  if (embedding) {
    return (body) => {
      const result = invokeEmbedding(embedding, body);
      return fixed(result.body, result.inputTokens);
    };
  }
  if (image) return (body) => prepareImage(image, body);
  if (rerank) return (body) => fixed(invokeRerank(rerank, body));
  return undefined;
}

/** InvokeModel, emulated for the embedding, image-generation and rerank families. */
export async function invoke(call: ModelCall): Promise<void> {
  const { state, modelId } = call;
  const family = familyOf(resolveFoundationModelId(modelId, state.inferenceProfiles));
  if (family === undefined) {
    throw new BedrockError(
      'ResourceNotFoundException',
      `Could not resolve the foundation model from the model identifier ${modelId}; the emulator serves InvokeModel for embedding, image and rerank models only.`,
    );
  }
  assertInvocable(modelId, state.foundationModels);
  const answer = family(call.body);
  const script = takeScript(call, 'invoke');
  if (script === 'done') return;
  const result = script?.invokeBody !== undefined ? { body: script.invokeBody } : answer(script);
  const latencyMs = script?.latencyMs ?? state.defaults.latencyMs;
  if (!(await sleep(latencyMs, call.signal))) return;
  if (state.held && !(await state.passHold(call.signal))) return;
  call.exchange.start(200, {
    'content-type': 'application/json',
    'x-amzn-requestid': requestId(),
    ...(result.inputTokens === undefined ? {} : { 'x-amzn-bedrock-input-token-count': String(result.inputTokens) }),
    'x-amzn-bedrock-invocation-latency': String(latencyMs),
  });
  call.exchange.end(JSON.stringify(result.body));
}
