/**
 * What `npm run demo` prints: where the gateway listens (under its configured route prefix), the key, the
 * emulator's URL and a curl that works as printed. Pure, so a test can hold it to the real routes.
 */
export interface DemoBannerInput {
  /** The gateway's origin, e.g. http://127.0.0.1:8000. */
  readonly gatewayUrl: string;
  /** API_ROUTE_PREFIX as the server applies it: '' or '/api/v1'-like, no trailing slash. */
  readonly routePrefix: string;
  readonly apiKey: string;
  readonly emulatorUrl: string;
}

export const DEMO_MODEL = 'anthropic.claude-3-5-haiku-20241022-v1:0';

export function demoBaseUrl(input: Pick<DemoBannerInput, 'gatewayUrl' | 'routePrefix'>): string {
  return `${input.gatewayUrl.replace('127.0.0.1', 'localhost')}${input.routePrefix}`;
}

export function demoBanner(input: DemoBannerInput): string {
  const base = demoBaseUrl(input);
  const body = JSON.stringify({ model: DEMO_MODEL, messages: [{ role: 'user', content: 'Hello' }] });
  return [
    'Bedrock OpenAI gateway (demo, on the built-in Bedrock emulator: no AWS account used)',
    `  base URL : ${base}`,
    `  API key  : ${input.apiKey}`,
    `  emulator : ${input.emulatorUrl}`,
    '',
    'Try it:',
    `  curl ${base}/chat/completions -H "Authorization: Bearer ${input.apiKey}" -H "Content-Type: application/json" \\`,
    `    -d '${body}'`,
    '',
    'Ctrl-C stops it.',
    '',
  ].join('\n');
}
