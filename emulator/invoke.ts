import { sleep, takeScript, type ModelCall } from './converse';
import { embeddingFamily, invokeEmbedding } from './embeddings';
import { BedrockError, requestId } from './errors';
import { assertInvocable, resolveFoundationModelId } from './models';

/** InvokeModel, emulated for the embedding families only. */
export async function invoke(call: ModelCall): Promise<void> {
  const { state, modelId } = call;
  const foundationModelId = resolveFoundationModelId(modelId, state.inferenceProfiles);
  const family = foundationModelId === undefined ? undefined : embeddingFamily(foundationModelId);
  if (family === undefined) {
    throw new BedrockError(
      'ResourceNotFoundException',
      `Could not resolve the foundation model from the model identifier ${modelId}; the emulator serves InvokeModel for embedding models only.`,
    );
  }
  assertInvocable(modelId, state.foundationModels);
  const result = invokeEmbedding(family, call.body);
  const script = takeScript(call, 'invoke');
  if (script === 'done') return;
  const latencyMs = script?.latencyMs ?? state.defaults.latencyMs;
  if (!(await sleep(latencyMs, call.signal))) return;
  if (state.held && !(await state.passHold(call.signal))) return;
  call.exchange.start(200, {
    'content-type': 'application/json',
    'x-amzn-requestid': requestId(),
    'x-amzn-bedrock-input-token-count': String(result.inputTokens),
    'x-amzn-bedrock-invocation-latency': String(latencyMs),
  });
  call.exchange.end(JSON.stringify(result.body));
}
