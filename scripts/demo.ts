/**
 * `npm run demo`: the gateway on http://localhost:8000/api/v1 wired to the built-in Bedrock emulator.
 * No AWS account is needed; the emulator answers deterministically.
 */
import { randomBytes } from 'node:crypto';
import { startEmulator } from '../emulator';
import { startServer } from '../lambda/src/runtime/node/server';

async function main(): Promise<void> {
  const emulator = await startEmulator({ port: Number(process.env.EMULATOR_PORT ?? 0) });
  const apiKey = process.env.API_KEY ?? `sk-demo-${randomBytes(12).toString('hex')}`;
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: emulator.url,
    AWS_ENDPOINT_URL_BEDROCK: emulator.url,
    AWS_ACCESS_KEY_ID: 'AKIDEMULATOR',
    AWS_SECRET_ACCESS_KEY: 'emulator-secret',
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
  });
  delete process.env.AWS_PROFILE;
  const gateway = await startServer({ ...process.env, API_KEY: apiKey, HOST: process.env.HOST ?? '127.0.0.1' });
  const base = `${gateway.url.replace('127.0.0.1', 'localhost')}/api/v1`;
  process.stdout.write(
    [
      'Bedrock OpenAI gateway (demo, on the built-in Bedrock emulator: no AWS account used)',
      `  base URL : ${base}`,
      `  API key  : ${apiKey}`,
      `  emulator : ${emulator.url}`,
      '',
      'Try it:',
      `  curl ${base}/chat/completions -H "Authorization: Bearer ${apiKey}" -H "Content-Type: application/json" \\`,
      `    -d '{"model":"anthropic.claude-3-5-haiku-20241022-v1:0","messages":[{"role":"user","content":"Hello"}]}'`,
      '',
      'Ctrl-C stops it.',
      '',
    ].join('\n'),
  );
  const stop = async () => {
    await gateway.close();
    await emulator.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
