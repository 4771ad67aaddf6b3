/**
 * Control-plane listings → the models this gateway offers. Pure: the rules that decide what `/models`
 * shows and which readable names resolve to which Bedrock id live here, tested with plain data.
 */
import type { FoundationModelSummary, InferenceProfileSummary } from '@aws-sdk/client-bedrock';
import { foundationModelId, imageRulesFor, rerankRulesFor } from '../models/capabilities';
import type { RawCatalog } from '../aws/bedrock-catalog';

export type ModelKind = 'chat' | 'embedding' | 'image' | 'rerank';
export type EntrySource = 'foundation-model' | 'system-profile' | 'application-profile';

export interface CatalogEntry {
  /** The id `/models` lists and a request may name. For application profiles, their readable name. */
  readonly id: string;
  /** What Bedrock is called with (an application profile's ARN; otherwise the id itself). */
  readonly invokeId: string;
  readonly kind: ModelKind;
  readonly source: EntrySource;
  /** The foundation model behind the entry: capabilities and embedding families are looked up by it. */
  readonly foundationModelId: string;
  readonly ownedBy: string;
  /** Unix seconds: the profile's creation time; 0 for foundation models (the listing carries no date). */
  readonly created: number;
  /** ARNs that also name this entry. */
  readonly otherNames: readonly string[];
}

export interface Catalog {
  readonly entries: readonly CatalogEntry[];
  /** By listed id, invoke id or ARN. */
  find(name: string): CatalogEntry | undefined;
}

export interface CatalogOptions {
  readonly systemProfiles: boolean;
  readonly applicationProfiles: boolean;
}

/** A model family's provider, as OpenAI's `owned_by`: `anthropic.claude-…` → `anthropic`. */
export function ownerOf(modelId: string): string {
  const id = foundationModelId(modelId);
  const dot = id.indexOf('.');
  return dot > 0 ? id.slice(0, dot) : 'bedrock';
}

/**
 * Chat models must stream (the gateway serves `stream: true` for every chat model); embeddings need not.
 * Image and rerank models are listed only when the gateway has a translator for their family.
 */
export function kindOf(model: FoundationModelSummary): ModelKind | undefined {
  const output = model.outputModalities ?? [];
  const id = model.modelId ?? '';
  if (rerankRulesFor(id)) return 'rerank';
  if (output.includes('IMAGE') && imageRulesFor(id)) return 'image';
  if (output.includes('EMBEDDING')) return 'embedding';
  if (output.includes('TEXT') && model.responseStreamingSupported === true) return 'chat';
  return undefined;
}

/** The kind of a model the listing does not describe, from its id. */
function guessKind(foundationModel: string): ModelKind {
  if (imageRulesFor(foundationModel)) return 'image';
  if (rerankRulesFor(foundationModel)) return 'rerank';
  return /embed/.test(foundationModel) ? 'embedding' : 'chat';
}

const isActive = (model: FoundationModelSummary): boolean => (model.modelLifecycle?.status ?? 'ACTIVE') === 'ACTIVE';
const seconds = (date: Date | undefined): number => (date ? Math.floor(date.getTime() / 1000) : 0);

function profileTarget(profile: InferenceProfileSummary): string | undefined {
  const arn = profile.models?.[0]?.modelArn;
  return arn ? foundationModelId(arn) : undefined;
}

export function buildCatalog(raw: RawCatalog, options: CatalogOptions): Catalog {
  const models = new Map<string, FoundationModelSummary>();
  for (const m of raw.foundationModels) if (m.modelId) models.set(m.modelId, m);
  const entries: CatalogEntry[] = [];

  for (const m of models.values()) {
    const kind = kindOf(m);
    if (!kind || !isActive(m) || !m.inferenceTypesSupported?.includes('ON_DEMAND')) continue;
    const id = m.modelId as string;
    entries.push({ id, invokeId: id, kind, source: 'foundation-model', foundationModelId: id, ownedBy: ownerOf(id), created: 0, otherNames: m.modelArn ? [m.modelArn] : [] });
  }

  // A system profile is listed when its model would be (ignoring on-demand: profiles exist for exactly the
  // models that lack it); one whose model this Region does not list cannot be classified and is left out.
  if (options.systemProfiles) {
    for (const p of raw.systemProfiles ?? []) {
      const target = profileTarget(p);
      const model = target ? models.get(target) : undefined;
      const kind = model && isActive(model) ? kindOf(model) : undefined;
      if (!p.inferenceProfileId || !target || !kind || p.status !== 'ACTIVE') continue;
      const id = p.inferenceProfileId;
      entries.push({ id, invokeId: id, kind, source: 'system-profile', foundationModelId: target, ownedBy: ownerOf(target), created: seconds(p.createdAt), otherNames: p.inferenceProfileArn ? [p.inferenceProfileArn] : [] });
    }
  }

  // Application profiles were made on purpose by the account: list them even when their model's row is
  // missing, guessing the kind from the id.
  if (options.applicationProfiles) {
    for (const p of raw.applicationProfiles ?? []) {
      const target = profileTarget(p);
      if (!p.inferenceProfileName || !p.inferenceProfileArn || !target || p.status !== 'ACTIVE') continue;
      const model = models.get(target);
      const kind = model ? kindOf(model) : guessKind(target);
      if (!kind) continue;
      entries.push({
        id: p.inferenceProfileName,
        invokeId: p.inferenceProfileArn,
        kind,
        source: 'application-profile',
        foundationModelId: target,
        ownedBy: ownerOf(target),
        created: seconds(p.createdAt),
        otherNames: [p.inferenceProfileArn, ...(p.inferenceProfileId ? [p.inferenceProfileId] : [])],
      });
    }
  }
  return indexCatalog(entries);
}

/** First name wins: a foundation model id is never shadowed by a profile's readable name. */
export function indexCatalog(entries: readonly CatalogEntry[]): Catalog {
  const byName = new Map<string, CatalogEntry>();
  for (const e of entries) {
    for (const name of [e.id, e.invokeId, ...e.otherNames]) if (!byName.has(name)) byName.set(name, e);
  }
  return { entries, find: (name) => byName.get(name) };
}
