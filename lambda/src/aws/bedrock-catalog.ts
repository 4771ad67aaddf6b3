/**
 * The control-plane client: ListFoundationModels and ListInferenceProfiles, the gateway's only calls to the
 * `bedrock` (not `bedrock-runtime`) service. Endpoint, credentials and retries come from the SDK's own
 * configuration chain (AWS_ENDPOINT_URL_BEDROCK, AWS_MAX_ATTEMPTS, …). Building the client calls nothing.
 */
import type { BedrockClient, FoundationModelSummary, InferenceProfileSummary, InferenceProfileType } from '@aws-sdk/client-bedrock';

type ControlPlaneSdk = typeof import('@aws-sdk/client-bedrock');

/**
 * Loaded on the first catalog call, not at start: a chat request that names a Bedrock id never needs the
 * control plane, and the deployables ship this client as a separate lazily loaded file
 * (scripts/lazy-modules.cjs). A plain `require`, because the gateway is CommonJS everywhere.
 */
function controlPlaneSdk(): ControlPlaneSdk {
  return require('@aws-sdk/client-bedrock') as ControlPlaneSdk;
}

/** What the control plane said, unfiltered. Profile lists are undefined when they were not asked for. */
export interface RawCatalog {
  readonly foundationModels: readonly FoundationModelSummary[];
  readonly systemProfiles?: readonly InferenceProfileSummary[];
  readonly applicationProfiles?: readonly InferenceProfileSummary[];
}

export interface ControlPlane {
  listFoundationModels(signal?: AbortSignal): Promise<FoundationModelSummary[]>;
  listInferenceProfiles(type: InferenceProfileType, signal?: AbortSignal): Promise<InferenceProfileSummary[]>;
}

export function createControlPlane(options: { readonly region: string }): ControlPlane {
  let client: BedrockClient | undefined;
  const getClient = () => (client ??= new (controlPlaneSdk().BedrockClient)({ region: options.region }));
  return {
    async listFoundationModels(signal) {
      const { ListFoundationModelsCommand } = controlPlaneSdk();
      const out = await getClient().send(new ListFoundationModelsCommand({}), { abortSignal: signal });
      return out.modelSummaries ?? [];
    },
    async listInferenceProfiles(type, signal) {
      const { paginateListInferenceProfiles } = controlPlaneSdk();
      const profiles: InferenceProfileSummary[] = [];
      const pages = paginateListInferenceProfiles({ client: getClient(), pageSize: 1000 }, { typeEquals: type });
      for await (const page of withSignal(pages, signal)) profiles.push(...(page.inferenceProfileSummaries ?? []));
      return profiles;
    },
  };
}

/** The paginator takes no abort signal; stop between pages instead. */
async function* withSignal<T>(pages: AsyncIterable<T>, signal?: AbortSignal): AsyncGenerator<T> {
  for await (const page of pages) {
    signal?.throwIfAborted();
    yield page;
  }
}

export interface LoadOptions {
  readonly systemProfiles: boolean;
  readonly applicationProfiles: boolean;
}

/**
 * One catalog load. Foundation models are required (profiles cannot be classified without them); a failed
 * profile listing (often a missing bedrock:ListInferenceProfiles permission) is reported in `errors` and
 * leaves that list undefined, so the caller can keep the previous one.
 */
export async function loadRawCatalog(
  plane: ControlPlane,
  options: LoadOptions,
  signal?: AbortSignal,
): Promise<{ raw: RawCatalog; errors: string[] }> {
  const [models, system, application] = await Promise.allSettled([
    plane.listFoundationModels(signal),
    options.systemProfiles ? plane.listInferenceProfiles('SYSTEM_DEFINED', signal) : Promise.resolve(undefined),
    options.applicationProfiles ? plane.listInferenceProfiles('APPLICATION', signal) : Promise.resolve(undefined),
  ]);
  if (models.status === 'rejected') throw models.reason;
  const errors: string[] = [];
  const settle = (r: PromiseSettledResult<InferenceProfileSummary[] | undefined>, what: string) => {
    if (r.status === 'fulfilled') return r.value;
    errors.push(`${what}: ${describe(r.reason)}`);
    return undefined;
  };
  return {
    raw: {
      foundationModels: models.value,
      systemProfiles: settle(system, 'ListInferenceProfiles(SYSTEM_DEFINED)'),
      applicationProfiles: settle(application, 'ListInferenceProfiles(APPLICATION)'),
    },
    errors,
  };
}

export function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
