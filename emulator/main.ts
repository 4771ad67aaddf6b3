import { startEmulator } from './index';

/** `npm run emulator`: a standalone emulator for the demo and the benchmark (driven via /__emulator/*). */
async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 8010);
  const host = process.env.HOST ?? '127.0.0.1';
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${process.env.PORT}`);
  const emulator = await startEmulator({ port, host });
  console.log(`Bedrock emulator listening on ${emulator.url}`);
  const stop = (): void => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
