import {
  ListFoundationModelsCommand,
  ListInferenceProfilesCommand,
  paginateListInferenceProfiles,
  type BedrockClient,
  type InferenceProfileSummary,
} from '@aws-sdk/client-bedrock';
import { defaultFoundationModels, defaultInferenceProfiles, startEmulator, type Emulator } from '../../emulator';
import { controlClient } from './helpers';

let emulator: Emulator;
let client: BedrockClient;
beforeAll(async () => {
  emulator = await startEmulator();
  client = controlClient(emulator);
});
afterEach(() => emulator.reset());
afterAll(async () => {
  client.destroy();
  await emulator.close();
});

describe('ListFoundationModels', () => {
  it('returns the default catalog with the SDK types filled in', async () => {
    const res = await client.send(new ListFoundationModelsCommand({}));
    const haiku = res.modelSummaries?.find((m) => m.modelId === 'anthropic.claude-3-5-haiku-20241022-v1:0');
    expect(haiku).toEqual({
      modelArn: 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0',
      modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0',
      modelName: 'Claude 3.5 Haiku',
      providerName: 'Anthropic',
      inputModalities: ['TEXT', 'IMAGE'],
      outputModalities: ['TEXT'],
      responseStreamingSupported: true,
      customizationsSupported: [],
      inferenceTypesSupported: ['ON_DEMAND'],
      modelLifecycle: { status: 'ACTIVE' },
    });
    const statuses = res.modelSummaries?.map((m) => m.modelLifecycle?.status);
    expect(statuses).toContain('LEGACY');
    expect(res.modelSummaries?.some((m) => m.outputModalities?.includes('IMAGE'))).toBe(true);
  });

  it.each([
    [{ byOutputModality: 'EMBEDDING' as const }, (m: { outputModalities?: string[] }) => m.outputModalities?.includes('EMBEDDING')],
    [{ byInferenceType: 'ON_DEMAND' as const }, (m: { inferenceTypesSupported?: string[] }) => m.inferenceTypesSupported?.includes('ON_DEMAND')],
    [{ byProvider: 'anthropic' }, (m: { providerName?: string }) => m.providerName === 'Anthropic'],
  ])('honours the filter %j', async (filter, predicate) => {
    const all = (await client.send(new ListFoundationModelsCommand({}))).modelSummaries ?? [];
    const filtered = (await client.send(new ListFoundationModelsCommand(filter))).modelSummaries ?? [];
    expect(filtered.length).toBeGreaterThan(0);
    expect(filtered.length).toBeLessThan(all.length);
    expect(filtered).toEqual(all.filter(predicate as (m: object) => boolean));
    expect(emulator.lastRequest('list-foundation-models')?.query).toEqual(filter);
  });

  it('serves what a test sets', async () => {
    const [first] = defaultFoundationModels();
    emulator.setFoundationModels([{ ...first, modelId: 'acme.only-v1' }]);
    const res = await client.send(new ListFoundationModelsCommand({}));
    expect(res.modelSummaries?.map((m) => m.modelId)).toEqual(['acme.only-v1']);
  });
});

describe('ListInferenceProfiles', () => {
  it.each([
    ['SYSTEM_DEFINED' as const, 3],
    ['APPLICATION' as const, 1],
  ])('filters by type %s', async (typeEquals, count) => {
    const res = await client.send(new ListInferenceProfilesCommand({ typeEquals }));
    expect(res.inferenceProfileSummaries).toHaveLength(count);
    expect(res.inferenceProfileSummaries?.every((p) => p.type === typeEquals)).toBe(true);
    expect(res.nextToken).toBeUndefined();
  });

  it('returns dates and the application profile readable name', async () => {
    const res = await client.send(new ListInferenceProfilesCommand({ typeEquals: 'APPLICATION' }));
    const [profile] = res.inferenceProfileSummaries ?? [];
    expect(profile.inferenceProfileArn).toBe('arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123xyz');
    expect(profile.inferenceProfileName).toBe('team-chat-claude-haiku');
    expect(profile.createdAt).toBeInstanceOf(Date);
    expect(profile.models?.[0].modelArn).toContain('anthropic.claude');
  });

  it('pages through every profile with the SDK paginator', async () => {
    const profiles = Array.from({ length: 5 }, (_, i) => ({ ...defaultInferenceProfiles()[0], inferenceProfileId: `us.p${i}` }));
    emulator.setInferenceProfiles(profiles);
    const pages: InferenceProfileSummary[][] = [];
    for await (const page of paginateListInferenceProfiles({ client, pageSize: 2 }, {})) {
      pages.push(page.inferenceProfileSummaries ?? []);
    }
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(pages.flat().map((p) => p.inferenceProfileId)).toEqual(profiles.map((p) => p.inferenceProfileId));
    expect(emulator.requests.map((r) => r.query.maxResults)).toEqual(['2', '2', '2']);
  });

  it.each([
    [{ maxResults: 0 }, 'maxResults'],
    [{ nextToken: 'not-a-token' }, 'pagination token'],
  ])('rejects %j', async (input, message) => {
    await expect(client.send(new ListInferenceProfilesCommand(input))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining(message),
    });
  });
});

describe('failControlPlane', () => {
  it.each([
    ['AccessDeniedException', 403],
    ['ThrottlingException', 429],
    ['InternalServerException', 500],
  ])('fails both listings with %s until healed', async (type, status) => {
    emulator.failControlPlane({ type, message: 'nope' });
    const expected = { name: type, message: 'nope', $metadata: { httpStatusCode: status } };
    await expect(client.send(new ListFoundationModelsCommand({}))).rejects.toMatchObject(expected);
    await expect(client.send(new ListInferenceProfilesCommand({}))).rejects.toMatchObject(expected);
    emulator.failControlPlane(null);
    await expect(client.send(new ListFoundationModelsCommand({}))).resolves.toBeDefined();
  });
});
