/**
 * `npm run keys`: the flags become the admin API's body (pure), and the script drives a real gateway: create,
 * list, usage and revoke, with the key it printed working until it is revoked.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { keyBody, parseCommandLine, run } from '../../scripts/keys';
import { TEST_KEY, useHarness } from '../e2e/harness';

const ROOT = path.resolve(__dirname, '../..');
const exec = promisify(execFile);

describe('keyBody', () => {
  const body = (...argv: string[]) => keyBody(parseCommandLine(argv).flags);

  it.each([
    [['--name', 'team-a', '--models', 'anthropic.claude-3-5-haiku*, amazon.nova-*', '--rpm', '60', '--budget-usd', '200'], { name: 'team-a', models: ['anthropic.claude-3-5-haiku*', 'amazon.nova-*'], limits: { rpm: 60 }, budget: { usd: 200 } }],
    [['--tpm', '1000', '--budget-tokens', '5', '--period', 'day'], { limits: { tpm: 1000 }, budget: { tokens: 5, period: 'day' } }],
    [['--expires', '2027-01-31'], { expires_at: Date.UTC(2027, 0, 31, 23, 59, 59) / 1000 }],
    [['--metadata', 'team=a,cost_center=42'], { metadata: { team: 'a', cost_center: '42' } }],
    [['--profile', 'anthropic.*=arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc'], { inference_profiles: { 'anthropic.*': 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc' } }],
    [['--clear', 'models,budget'], { models: null, budget: null }],
  ])('%j → %j', (argv, expected) => {
    expect(body(...argv)).toEqual(expected);
  });

  it('refuses a flag that needs a number and got none', () => {
    expect(() => body('--rpm', 'sixty')).toThrow('--rpm needs a number');
  });
});

describe('npm run keys against a gateway', () => {
  const h = useHarness({ RESPONSE_STORE: 'sqlite' });

  it('creates a key that works, lists it, reports its usage, revokes it', async () => {
    const lines: string[] = [];
    const cli = (...argv: string[]) => run([...argv, '--url', h.baseURL, '--admin-key', TEST_KEY], (t) => lines.push(t));
    await cli('create', '--name', 'cli-team', '--models', 'anthropic.*', '--rpm', '100', '--json');
    const created = JSON.parse(lines.pop()!);
    expect(created).toMatchObject({ name: 'cli-team', models: ['anthropic.*'], limits: { rpm: 100 } });
    const asKey = (key: string) =>
      h.fetch('/api/v1/chat/completions', { method: 'POST', headers: { authorization: `Bearer ${key}` }, json: { model: 'anthropic.claude-3-5-haiku-20241022-v1:0', messages: [{ role: 'user', content: 'hi' }] } });
    expect((await asKey(created.key)).status).toBe(200);

    await cli('list');
    expect(lines.pop()).toMatch(new RegExp(`^${created.id}\\s+cli-team\\s+active`, 'm'));
    await cli('usage', '--key', created.id);
    expect(lines.pop()).toMatch(new RegExp(`${created.id}\\s+cli-team\\s+anthropic\\.claude-3-5-haiku-20241022-v1:0\\s+1\\s`));
    await cli('revoke', created.id);
    expect(lines.pop()).toBe(`Revoked ${created.id}.`);
    expect((await asKey(created.key)).status).toBe(401);
  });

  it('runs as `npm run keys` and says what is missing', async () => {
    const err = await exec(process.execPath, ['--import', 'tsx', 'scripts/keys.ts', 'list'], { cwd: ROOT, env: { PATH: process.env.PATH } }).catch((e: { code: number; stderr: string }) => e);
    expect(err).toMatchObject({ code: 1, stderr: expect.stringContaining('Set GATEWAY_URL') });
    const { stdout } = await exec(process.execPath, ['--import', 'tsx', 'scripts/keys.ts', 'create', '--name', 'from-process'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, GATEWAY_URL: h.baseURL, GATEWAY_ADMIN_KEY: TEST_KEY },
    });
    expect(stdout).toMatch(/^Created key_[0-9a-f]{16} \(from-process\)\. The key, shown only now:\n\n {2}sk-bgw_/);
  });
});
