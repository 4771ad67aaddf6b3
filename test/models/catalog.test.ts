import type { FoundationModelSummary, InferenceProfileSummary, InferenceProfileType } from '@aws-sdk/client-bedrock';
import { loadRawCatalog, type ControlPlane } from '../../lambda/src/aws/bedrock-catalog';
import { createModelCatalog } from '../../lambda/src/models/catalog';
import { appProfile, fm, HAIKU, SONNET, systemProfile, PROFILE_ONLY } from './fixtures';

/** A control plane whose answers a test sets per call. */
function fakePlane() {
  const calls: string[] = [];
  const plane = {
    models: [fm(HAIKU), fm(SONNET, { inferenceTypesSupported: PROFILE_ONLY })] as FoundationModelSummary[] | Error,
    profiles: {
      SYSTEM_DEFINED: [systemProfile(SONNET)] as InferenceProfileSummary[] | Error,
      APPLICATION: [appProfile('team', HAIKU, 'p1')] as InferenceProfileSummary[] | Error,
    },
  };
  const answer = <T>(v: T | Error): Promise<T> => (v instanceof Error ? Promise.reject(v) : Promise.resolve(v));
  const client: ControlPlane = {
    listFoundationModels: () => {
      calls.push('models');
      return answer(plane.models);
    },
    listInferenceProfiles: (type: InferenceProfileType) => {
      calls.push(type);
      return answer(plane.profiles[type]);
    },
  };
  return { plane, client, calls };
}

describe('loadRawCatalog', () => {
  it.each([
    [{ systemProfiles: true, applicationProfiles: true }, ['models', 'SYSTEM_DEFINED', 'APPLICATION']],
    [{ systemProfiles: false, applicationProfiles: true }, ['models', 'APPLICATION']],
    [{ systemProfiles: false, applicationProfiles: false }, ['models']],
  ])('asks only for what %j enables', async (options, expected) => {
    const f = fakePlane();
    await loadRawCatalog(f.client, options);
    expect(f.calls).toEqual(expected);
  });

  it('fails when foundation models cannot be listed', async () => {
    const f = fakePlane();
    f.plane.models = Object.assign(new Error('no'), { name: 'AccessDeniedException' });
    await expect(loadRawCatalog(f.client, { systemProfiles: true, applicationProfiles: true })).rejects.toThrow('no');
  });

  it('reports a failed profile listing and goes on', async () => {
    const f = fakePlane();
    f.plane.profiles.APPLICATION = Object.assign(new Error('denied'), { name: 'AccessDeniedException' });
    const { raw, errors } = await loadRawCatalog(f.client, { systemProfiles: true, applicationProfiles: true });
    expect(raw.applicationProfiles).toBeUndefined();
    expect(raw.systemProfiles).toHaveLength(1);
    expect(errors).toEqual(['ListInferenceProfiles(APPLICATION): AccessDeniedException: denied']);
  });
});

describe('createModelCatalog', () => {
  it('keeps the last application profiles when only their listing fails', async () => {
    const f = fakePlane();
    const problems: string[] = [];
    const catalog = createModelCatalog(f.client, { ttlSeconds: 0, systemProfiles: true, applicationProfiles: true, onProblem: (m) => problems.push(m) });
    expect((await catalog.refresh())?.find('team')?.invokeId).toMatch(/application-inference-profile\/p1$/);
    f.plane.profiles.APPLICATION = new Error('denied');
    f.plane.profiles.SYSTEM_DEFINED = [];
    const second = await catalog.refresh();
    expect(second?.find('team')).toBeDefined();
    expect(second?.find(`us.${SONNET}`)).toBeUndefined();
    expect(problems).toEqual(['model catalog partly loaded: ListInferenceProfiles(APPLICATION): Error: denied']);
  });

  it('reports a complete failure and keeps serving the previous catalog', async () => {
    const f = fakePlane();
    const problems: string[] = [];
    const catalog = createModelCatalog(f.client, { ttlSeconds: 0, systemProfiles: true, applicationProfiles: true, onProblem: (m) => problems.push(m) });
    await catalog.refresh();
    f.plane.models = Object.assign(new Error('down'), { name: 'ServiceUnavailableException' });
    expect((await catalog.refresh())?.find(HAIKU)).toBeDefined();
    expect(problems).toEqual(['model catalog load failed: ServiceUnavailableException: down']);
    expect(catalog.lastError).toBe('ServiceUnavailableException: down');
  });

  it('calls nothing when built', () => {
    const f = fakePlane();
    createModelCatalog(f.client, { ttlSeconds: 60, systemProfiles: true, applicationProfiles: true });
    expect(f.calls).toEqual([]);
  });
});
