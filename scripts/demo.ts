/**
 * `npm run demo`: the gateway on http://localhost:8000/api/v1 (or under API_ROUTE_PREFIX) wired to the
 * built-in Bedrock emulator.
 * No AWS account is needed; the emulator answers deterministically.
 */
import { randomBytes } from 'node:crypto';
import { startEmulator } from '../emulator';
import { startServer } from '../lambda/src/runtime/node/server';
import { demoBanner } from './demo-banner';

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
  process.stdout.write(demoBanner({ gatewayUrl: gateway.url, routePrefix: gateway.routePrefix, apiKey, emulatorUrl: emulator.url }));
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
