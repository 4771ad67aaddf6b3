import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { startEmulator, type Emulator } from '../../emulator';
import { PLAIN_HTTP, synth } from './synth';

const { LAZY_MODULES, lazyOutfile } = require('../../scripts/lazy-modules.cjs') as { LAZY_MODULES: string[]; lazyOutfile(spec: string): string };

/** The staged code of the gateway function (the one with our description), after real esbuild bundling. */
function bundledCode(context: Record<string, unknown>): { code: string; dir: string } {
  const { app, stack } = synth(context, { bundle: true });
  const dir = app.synth().directory;
  const template = JSON.parse(readFileSync(path.join(dir, `${stack.stackName}.template.json`), 'utf8'));
  type Fn = { Type: string; Properties: { Description?: string; Code: { S3Key: string } } };
  const fn = Object.values(template.Resources as Record<string, Fn>).find(
    (r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Description === 'OpenAI-compatible API gateway for Amazon Bedrock',
  );
  const assets = JSON.parse(readFileSync(path.join(dir, `${stack.stackName}.assets.json`), 'utf8'));
  const assetDir = path.join(dir, assets.files[fn!.Properties.Code.S3Key.replace(/\.zip$/, '')].source.path);
  expect(existsSync(path.join(assetDir, 'index.js.map'))).toBe(true);
  return { code: readFileSync(path.join(assetDir, 'index.js'), 'utf8'), dir: assetDir };
}

describe('esbuild bundling (local, no Docker)', () => {
  it('bundles each entry into one minified file with a source map and the AWS SDK inside', () => {
    const alb = bundledCode(PLAIN_HTTP);
    const url = bundledCode({ target: 'lambda-url' });
    for (const { code, dir } of [alb, url]) {
      // Minified: unminified esbuild output averages well under 100 characters a line.
      expect(code.length / code.split('\n').length).toBeGreaterThan(300);
      expect(code).toMatch(/sourceMappingURL=index\.js\.map/);
      // The runtime client is bundled, not left to the runtime's older copy; the only SDK clients required at
      // run time are the lazily loaded ones, which ship beside the bundle as their own files.
      expect(code).toContain('ConverseStream');
      const required = [...code.matchAll(/(?:require|import)\("(@aws-sdk\/(?:client|nested|credential-provider)-[^"]+|@smithy\/credential-provider-[^"]+|gpt-tokenizer[^"]*|bowser)"\)/g)].map((m) => m[1]);
      expect(new Set(required)).toEqual(new Set(LAZY_MODULES));
      for (const spec of LAZY_MODULES) expect(existsSync(path.join(dir, lazyOutfile(spec)))).toBe(true);
      expect(code).not.toContain('cl100k_base.tiktoken');
      // The Node server's SSE writer builds a web Response at import (loading Node's fetch implementation,
      // tens of milliseconds): only the server entry may carry it.
      expect(code).not.toContain('x-hono-already-sent');
      // Lambda refuses RESPONSE_STORE=sqlite and uses the SDK client: neither the embedded store nor the lean
      // client's HTTP library is shipped, and the bundle stays within its cold-start budget.
      expect(code).not.toContain('CREATE TABLE IF NOT EXISTS');
      expect(code).not.toMatch(/undici/i);
      expect(code.length).toBeLessThanOrEqual(600_000);
    }
    // Only the Function URL entry wraps the app for response streaming.
    expect(url.code).toContain('streamifyResponse');
    expect(alb.code).not.toContain('streamifyResponse');
  });
});

/** What the code (or the SDK) takes from each lazily shipped module. */
const LAZY_EXPORTS: Record<string, string[]> = {
  'gpt-tokenizer/encoding/cl100k_base': ['decode'],
  '@aws-sdk/client-ssm': ['SSMClient', 'GetParameterCommand'],
  '@aws-sdk/client-bedrock': ['BedrockClient', 'ListFoundationModelsCommand', 'ListInferenceProfilesCommand'],
  '@aws-sdk/client-dynamodb': ['DynamoDBClient', 'GetItemCommand', 'QueryCommand', 'PutItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'UpdateItemCommand', 'ConditionalCheckFailedException'],
  '@aws-sdk/credential-provider-http': ['fromHttp'],
  '@smithy/credential-provider-imds': ['fromContainerMetadata', 'fromInstanceMetadata', 'ENV_CMDS_FULL_URI', 'ENV_CMDS_RELATIVE_URI'],
  '@aws-sdk/credential-provider-ini': ['fromIni'],
  '@aws-sdk/credential-provider-sso': ['fromSSO'],
  '@aws-sdk/credential-provider-process': ['fromProcess'],
  '@aws-sdk/credential-provider-web-identity': ['fromTokenFile'],
  '@aws-sdk/nested-clients/sso-oidc': ['SSOOIDCClient', 'CreateTokenCommand'],
};

describe('lazily loaded modules', () => {
  it('names the exports of every lazy module', () => {
    expect(Object.keys(LAZY_EXPORTS).sort()).toEqual([...LAZY_MODULES].sort());
  });

  it('each loads on its own, as import() does from beside the bundle, with the exports used', async () => {
    const { dir } = bundledCode(PLAIN_HTTP);
    // A fresh process importing from the bundle's folder (outside the repository): what the handler does.
    const script = `Promise.all(${JSON.stringify(LAZY_MODULES)}.map((m) => import(m).then((mod) => [m, Object.keys(mod)]))).then((r) => process.stdout.write(JSON.stringify(Object.fromEntries(r))))`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, timeout: 30_000 });
    const exported = JSON.parse(stdout) as Record<string, string[]>;
    for (const [spec, names] of Object.entries(LAZY_EXPORTS)) expect([spec, names.filter((n) => !exported[spec].includes(n))]).toEqual([spec, []]);
  });
});

describe('the bundled handler, run as Lambda runs it', () => {
  let emulator: Emulator;
  let credentials: Server;
  let credentialCalls = 0;
  beforeAll(async () => {
    emulator = await startEmulator();
    // An ECS-style container-credentials endpoint: the only credential source the process gets.
    credentials = createServer((req, res) => {
      credentialCalls++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ AccessKeyId: 'AKIDFROMCONTAINER', SecretAccessKey: 'container-secret', Token: 'container-token', Expiration: new Date(Date.now() + 3_600_000).toISOString() }));
    });
    await new Promise<void>((resolve) => credentials.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await emulator.close();
    await new Promise((resolve) => credentials.close(resolve));
  });

  it('loads a lazily shipped credential provider from beside the bundle and signs with its keys', async () => {
    const { dir } = bundledCode(PLAIN_HTTP);
    // Outside the repository, so Node cannot fall back to the repository's node_modules.
    expect(path.relative(path.join(__dirname, '..', '..'), dir).startsWith('..')).toBe(true);
    const event = {
      requestContext: { elb: { targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t/0123456789abcdef' } },
      httpMethod: 'POST',
      path: '/api/v1/chat/completions',
      queryStringParameters: {},
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bundle-test' },
      body: JSON.stringify({ model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', messages: [{ role: 'user', content: 'from the bundle' }] }),
      isBase64Encoded: false,
    };
    const script = `require(${JSON.stringify(path.join(dir, 'index.js'))}).handler(${JSON.stringify(event)}, {}).then((r) => process.stdout.write(JSON.stringify(r)))`;
    const { port } = credentials.address() as AddressInfo;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        API_KEY: 'sk-bundle-test',
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL_BEDROCK_RUNTIME: emulator.url,
        AWS_ENDPOINT_URL_BEDROCK: emulator.url,
        AWS_CONTAINER_CREDENTIALS_FULL_URI: `http://127.0.0.1:${port}/credentials`,
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        LOG_LEVEL: 'ERROR',
      },
      timeout: 30_000,
    });
    const result = JSON.parse(stdout) as { statusCode: number; body: string };
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body).choices[0].message.content).toBe('Emulated reply to: from the bundle');
    expect(credentialCalls).toBeGreaterThan(0);
    const signed = emulator.lastRequest('converse')?.headers;
    expect(String(signed?.authorization)).toContain('Credential=AKIDFROMCONTAINER/');
    expect(signed?.['x-amz-security-token']).toBe('container-token');
  });
});
