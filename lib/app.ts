import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseConfig } from './config';
import { GatewayStack } from './gateway-stack';

/**
 * Reads the app's context once and adds the one gateway stack. Throws ConfigError for invalid context.
 * The stack is environment-agnostic unless the context names a region (and optionally an account).
 */
export function buildGateway(app: App): GatewayStack {
  const config = parseConfig((key) => app.node.tryGetContext(key), Object.keys(app.node.getAllContext()));
  const stack = new GatewayStack(app, config.stackName, {
    config,
    env: config.region ? { account: config.account, region: config.region } : undefined,
    description: `OpenAI-compatible API gateway for Amazon Bedrock (target: ${config.target})`,
  });
  // Every synth, the CLI's included, fails on an unacknowledged AwsSolutions finding.
  if (config.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}
