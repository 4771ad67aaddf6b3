#!/usr/bin/env node
/** The CDK app: `npx cdk synth|deploy [-c key=value ...]`. Context keys: the README's configuration table; a first deploy: docs/deploy.md. */
import { App } from 'aws-cdk-lib';
import { buildGateway } from '../lib/app';
import { ConfigError } from '../lib/config';

const app = new App();
try {
  buildGateway(app);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  // A readable list of the context mistakes beats a stack trace.
  console.error(err.message);
  process.exit(1);
}
