import * as path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { HandlerEnvironment } from '../environment';
// Plain CommonJS shared with the Dockerfile and the benchmark, so every deployable ships the same layout.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { LAZY_MODULES, MAIN_FIELDS, lazyBundleCommands } = require('../../scripts/lazy-modules.cjs') as {
  LAZY_MODULES: string[];
  MAIN_FIELDS: string[];
  lazyBundleCommands(esbuild: string, outDir: string): string[];
};

/** The repository root: the esbuild project root and the Docker build context. */
export const REPO_ROOT = path.join(__dirname, '..', '..');

export interface GatewayFunctionProps {
  /** Entry file relative to the repository root, e.g. lambda/src/runtime/lambda/alb.ts. */
  readonly entry: string;
  /** Environment for the handler (models, API key location, flags). */
  readonly environment: HandlerEnvironment;
  /**
   * Memory in MiB; CPU share grows with it.
   * @default 1024
   */
  readonly memorySize?: number;
  /**
   * Seconds before Lambda stops a request.
   * @default 600
   */
  readonly timeoutSeconds?: number;
  /**
   * Log retention.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Concurrent executions reserved for (and at most run by) the function.
   * @default - none: the account's unreserved concurrency
   */
  readonly reservedConcurrency?: number;
}

/**
 * The gateway handler as a Node.js 22 arm64 function, bundled by the local esbuild (never Docker) into one
 * minified file with a source map. Its role can write to its own log group and nothing else until the
 * caller grants more.
 */
export class GatewayFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: GatewayFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // A role of our own instead of AWSLambdaBasicExecutionRole, whose log permissions span every log group.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Bedrock gateway function',
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: path.join(REPO_ROOT, props.entry),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: Duration.seconds(props.timeoutSeconds ?? 600),
      reservedConcurrentExecutions: props.reservedConcurrency,
      role: this.role,
      logGroup: this.logGroup,
      description: 'OpenAI-compatible API gateway for Amazon Bedrock',
      // No NODE_OPTIONS=--enable-source-maps: it costs every cold start 10-20 ms; the map ships beside the
      // bundle and logged stacks are mapped on first need (lambda/src/log/error-fields.ts).
      environment: { ...props.environment },
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      bundling: {
        forceDockerBundling: false,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        target: 'node22',
        format: OutputFormat.CJS,
        mainFields: MAIN_FIELDS,
        // The runtime's bundled SDK lags behind; the handler relies on recent Bedrock API fields.
        bundleAwsSDK: true,
        // Rarely needed modules load from their own files on first use, keeping cold starts small.
        externalModules: LAZY_MODULES,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir: string, outputDir: string) => [
            `cd "${inputDir}"`,
            ...lazyBundleCommands(`${inputDir}/node_modules/.bin/esbuild`, outputDir),
          ],
        },
      },
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Pinned to nodejs22.x on purpose: it is the Node line the handler is built and tested on (CI runs Node 22); a runtime bump is a deliberate change together with the toolchain.',
    });
  }
}
