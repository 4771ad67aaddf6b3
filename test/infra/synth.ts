/** Test helper: synthesizes the gateway app for one set of context values, offline. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildGateway } from '../../lib/app';
import type { GatewayStack } from '../../lib/gateway-stack';

const ROOT = path.join(__dirname, '..', '..');
/** The feature flags of cdk.json, so tests synthesize what the CLI synthesizes. */
const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')).context;

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

/** Unacknowledged AwsSolutions findings, as "RuleId at construct/path" lines. */
export function nagFindings(stack: GatewayStack): string[] {
  const report = new AwsSolutionsChecks().validateScope(stack);
  return report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}: ${v.description}`));
}
