/** Test helper: synthesizes the gateway app for one set of context values, offline. */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildGateway } from '../../lib/app';
import type { GatewayStack } from '../../lib/gateway-stack';

// A synth takes about a second, but the first one in a worker loads aws-cdk-lib and CloudFormation's
// validation engine, which can take far longer on a busy 2-core CI machine.
jest.setTimeout(120_000);

const ROOT = path.join(__dirname, '..', '..');
/** The feature flags of cdk.json, so tests synthesize what the CLI synthesizes. */
const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')).context;

/**
 * The explicit opt-in to an internet-facing load balancer without TLS, for tests about other things: the
 * app refuses that combination unless told (see config.test.ts).
 */
export const PLAIN_HTTP = { allowPlainHttp: 'true' } as const;

export interface Synthesized {
  readonly app: App;
  readonly stack: GatewayStack;
  readonly template: Template;
}

/**
 * Builds the app with the given context. esbuild bundling is skipped (aws:cdk:bundling-stacks = []) unless
 * `bundle` is set, and the cdk-nag plugin is left to nagFindings() so a finding fails with a readable list.
 */
export function synth(context: Record<string, unknown> = {}, options: { bundle?: boolean } = {}): Synthesized {
  const app = new App({
    context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': options.bundle ? ['**'] : [], nag: 'false', ...context },
  });
  const stack = buildGateway(app);
  return { app, stack, template: Template.fromStack(stack) };
}

/** Unacknowledged findings of CDK's own synth-time validation (the CloudFormation schema and lint rules). */
export function validationFindings(app: App): string[] {
  const file = path.join(app.synth().directory, 'validation-report.json');
  if (!existsSync(file)) return [];
  const report = JSON.parse(readFileSync(file, 'utf8')) as { pluginReports: { pluginName: string; violations: { ruleName: string; description: string }[] }[] };
  return report.pluginReports.flatMap((p) => p.violations.map((v) => `${p.pluginName} ${v.ruleName}: ${v.description}`));
}

/** Unacknowledged AwsSolutions findings, as "RuleId at construct/path" lines. */
export function nagFindings(stack: GatewayStack): string[] {
  const report = new AwsSolutionsChecks().validateScope(stack);
  return report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}: ${v.description}`));
}

type CfnValue = string | number | boolean | null | CfnValue[] | { [key: string]: CfnValue };

export interface CfnResource {
  readonly Type: string;
  /** Raw template JSON: its shape depends on the resource type. */
  readonly Properties: Record<string, any>;
  readonly DependsOn?: string[];
}

/** The one resource of a type whose properties include `props` (objectLike); fails unless exactly one. */
export function resourceOfType(template: Template, type: string, props: Record<string, unknown> = {}): CfnResource {
  const found = Object.values(template.findResources(type, { Properties: Match.objectLike(props) })) as CfnResource[];
  if (found.length !== 1) throw new Error(`expected one ${type} matching ${JSON.stringify(props)}, found ${found.length}`);
  return found[0];
}

/** Renders Ref/Fn::Join of pseudo parameters as "${AWS::Partition}" text, so ARNs can be compared as strings. */
export function renderArn(value: CfnValue): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    if ('Ref' in value) return `\${${value.Ref as string}}`;
    if ('Fn::Join' in value) {
      const [sep, parts] = value['Fn::Join'] as [string, CfnValue[]];
      return parts.map(renderArn).join(sep);
    }
    if ('Fn::GetAtt' in value) return `\${${(value['Fn::GetAtt'] as string[]).join('.')}}`;
  }
  return JSON.stringify(value);
}

/** Statements of the gateway's Bedrock policy, by Sid, with actions and resources as sorted string lists. */
export function bedrockStatements(template: Template): Record<string, { actions: string[]; resources: string[] }> {
  const policy = resourceOfType(template, 'AWS::IAM::Policy', { PolicyName: Match.stringLikeRegexp('^BedrockAccessPolicy') });
  const out: Record<string, { actions: string[]; resources: string[] }> = {};
  for (const s of policy.Properties.PolicyDocument.Statement as { Sid: string; Action: CfnValue; Resource: CfnValue }[]) {
    const list = (v: CfnValue) => (Array.isArray(v) ? v : [v]);
    out[s.Sid] = { actions: list(s.Action).map(renderArn).sort(), resources: list(s.Resource).map(renderArn).sort() };
  }
  return out;
}
