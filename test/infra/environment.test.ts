/**
 * The stack and the handler share one map of environment-variable names (lambda/src/env-names.ts): the
 * stack may only set names the handler actually reads.
 */
import { loadConfig } from '../../lambda/src/config';
import { ENV } from '../../lambda/src/env-names';
import type { HandlerEnvironment } from '../../lib/environment';
import { PLAIN_HTTP, resourceOfType, synth } from './synth';

/** The names loadConfig reads, recorded from the environment record it is handed (not copied from its schema). */
function namesTheHandlerReads(): string[] {
  const read = new Set<string>();
  const env = new Proxy<Record<string, string | undefined>>({}, {
    get: (_target, name) => {
      if (typeof name === 'string') read.add(name);
      return undefined;
    },
  });
  loadConfig(env);
  return [...read].sort();
}

/** Variable names a synthesized stack gives the gateway code: the function's environment or the container's. */
function namesTheStackSets(context: Record<string, unknown>): string[] {
  const { template } = synth(context);
  const fns = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Description: 'OpenAI-compatible API gateway for Amazon Bedrock' } }));
  if (fns.length === 1) return Object.keys(fns[0].Properties.Environment.Variables);
  const [container] = resourceOfType(template, 'AWS::ECS::TaskDefinition').Properties.ContainerDefinitions;
  return [...container.Environment, ...(container.Secrets ?? [])].map((v: { Name: string }) => v.Name);
}

/** Read by Node itself before the handler starts, not by the gateway. */
const NODE_OWN = ['NODE_OPTIONS'];

describe('environment-variable names shared by the stack and the handler', () => {
  const handlerReads = namesTheHandlerReads();

  it('the map holds exactly the names loadConfig reads', () => {
    expect(handlerReads.length).toBeGreaterThan(10);
    expect(Object.values(ENV).filter((name) => !handlerReads.includes(name))).toEqual([]);
    expect(handlerReads.filter((name) => !(Object.values(ENV) as string[]).includes(name))).toEqual([]);
  });

  it('makes a misspelt name a type error on the stack side (checked by tsc)', () => {
    // @ts-expect-error: API_ROUT_PREFIX is not a name the handler reads
    const misspelt: HandlerEnvironment = { API_ROUT_PREFIX: '/api/v1' };
    expect(misspelt).toBeDefined();
  });

  it.each([
    ['lambda, every optional model setting', { ...PLAIN_HTTP, region: 'eu-west-1', modelAllowlist: 'anthropic.*', defaultImageModel: 'amazon.nova-canvas-v1:0', defaultRerankModel: 'cohere.rerank-v3-5:0' }],
    ['lambda-url, SSM key', { target: 'lambda-url', apiKeyParamName: '/gateway/api-key' }],
    ['fargate', { ...PLAIN_HTTP, target: 'fargate' }],
  ])('%s: the stack sets only names the handler reads', (_name, context) => {
    const set = namesTheStackSets(context);
    expect(set.length).toBeGreaterThan(4);
    if ('defaultImageModel' in context) expect(set).toEqual(expect.arrayContaining(['DEFAULT_IMAGE_MODEL', 'DEFAULT_RERANK_MODEL']));
    expect(set.filter((name) => !handlerReads.includes(name) && !NODE_OWN.includes(name))).toEqual([]);
  });
});
