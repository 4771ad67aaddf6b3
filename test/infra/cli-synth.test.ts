/**
 * The real CDK CLI, offline and without credentials: what a user runs after `npm ci` on a fresh clone.
 * Synth needs no AWS call (no lookups), no Docker (esbuild bundles locally, images are only staged).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.join(__dirname, '..', '..');
const run = promisify(execFile);

/** The environment without credentials or a Region, and with the CLI's network features off. */
function offlineEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_REGION: 'xx-nowhere-1', AWS_DEFAULT_REGION: 'xx-nowhere-1', CDK_DISABLE_CLI_TELEMETRY: 'true', AWS_EC2_METADATA_DISABLED: 'true' };
  for (const key of Object.keys(env)) {
    if (/^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|PROFILE|CONFIG_FILE|SHARED_CREDENTIALS_FILE|CONTAINER_|WEB_IDENTITY)/.test(key)) delete env[key];
  }
  env.AWS_SHARED_CREDENTIALS_FILE = path.join(tmpdir(), 'no-such-credentials');
  env.AWS_CONFIG_FILE = path.join(tmpdir(), 'no-such-config');
  return env;
}

async function cdkSynth(args: string[]): Promise<{ code: number; out: string; dir: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'gateway-synth-'));
  try {
    const { stdout, stderr } = await run('npx', ['cdk', 'synth', '-q', '--no-notices', '-o', dir, ...args], { cwd: ROOT, env: offlineEnv(), timeout: 120_000 });
    return { code: 0, out: stdout + stderr, dir };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}`, dir };
  }
}

describe('npx cdk synth (the pinned CLI, offline)', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('synthesizes the default and the fargate variants', async () => {
    const cert = 'certificateArn=arn:aws:acm:us-east-1:123456789012:certificate/0f2c1b9e-1111-2222-3333-444455556666';
    const [lambda, fargate] = await Promise.all([cdkSynth(['-c', 'allowPlainHttp=true']), cdkSynth(['-c', 'target=fargate', '-c', cert])]);
    dirs.push(lambda.dir, fargate.dir);
    for (const [result, target] of [[lambda, 'lambda'], [fargate, 'fargate']] as const) {
      expect({ code: result.code, out: result.code === 0 ? '' : result.out }).toEqual({ code: 0, out: '' });
      const templatePath = path.join(result.dir, 'BedrockGateway.template.json');
      expect(existsSync(templatePath)).toBe(true);
      expect(JSON.parse(readFileSync(templatePath, 'utf8')).Outputs.Target.Value).toBe(target);
    }
    expect(readFileSync(path.join(ROOT, 'node_modules', 'aws-cdk', 'package.json'), 'utf8')).toMatch(/"version": "2\.1148\./);
  }, 180_000);

  it('fails with the context keys named when the context is invalid', async () => {
    const bad = await cdkSynth(['-c', 'target=fargate', '-c', 'memorySize=2048']);
    dirs.push(bad.dir);
    expect(bad.code).not.toBe(0);
    expect(bad.out).toContain('target, memorySize: these keys size a Lambda function');
  }, 120_000);

  it('refuses the bare default, a public load balancer without TLS, and says how to get TLS', async () => {
    const plain = await cdkSynth([]);
    dirs.push(plain.dir);
    expect(plain.code).not.toBe(0);
    expect(plain.out).toContain('certificateArn, domainName, allowPlainHttp: an internet-facing load balancer without TLS');
  }, 120_000);
});
