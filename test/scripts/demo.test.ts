/**
 * `npm run demo` prints URLs and a curl under the configured API_ROUTE_PREFIX, and the printed curl works:
 * the banner as a pure function, then the script itself as a process (bounded, and always stopped).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { demoBanner } from '../../scripts/demo-banner';

const ROOT = path.resolve(__dirname, '../..');

/** The printed curl, taken apart: URL, key and JSON body. */
function printedCurl(banner: string): { url: string; key: string; body: string } {
  const match = /curl (\S+) -H "Authorization: Bearer (\S+)" -H "Content-Type: application\/json" \\\n\s+-d '(.+)'/.exec(banner);
  if (!match) throw new Error(`no curl in:\n${banner}`);
  return { url: match[1], key: match[2], body: match[3] };
}

describe('demoBanner', () => {
  it.each([
    ['/api/v1', 'http://localhost:8000/api/v1'],
    ['/openai', 'http://localhost:8000/openai'],
    ['', 'http://localhost:8000'],
  ])('prefix %j: base URL %s, and the curl under it', (routePrefix, base) => {
    const banner = demoBanner({ gatewayUrl: 'http://127.0.0.1:8000', routePrefix, apiKey: 'sk-demo-1', emulatorUrl: 'http://127.0.0.1:9' });
    expect(banner).toContain(`  base URL : ${base}\n`);
    expect(printedCurl(banner)).toEqual({ url: `${base}/chat/completions`, key: 'sk-demo-1', body: expect.any(String) });
    expect(JSON.parse(printedCurl(banner).body)).toMatchObject({ model: expect.any(String), messages: [{ role: 'user', content: 'Hello' }] });
  });
});

describe('npm run demo with API_ROUTE_PREFIX=/openai', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    // Never leave the demo running, whatever failed above.
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  it('prints the prefixed base URL and a curl that the gateway answers, then stops on SIGTERM', async () => {
    // One process (no tsx CLI wrapper), so SIGTERM reaches the script's own handler.
    const demo = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', API_ROUTE_PREFIX: '/openai', PORT: '0', LOG_LEVEL: 'SILENT' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = demo;
    const exited = new Promise<number | null>((resolve) => demo.on('exit', (code) => resolve(code)));
    let output = '';
    const banner = await new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        output += chunk.toString('utf8');
        if (output.includes('Ctrl-C stops it.')) resolve(output);
      };
      demo.stdout?.on('data', onData);
      demo.stderr?.on('data', onData);
      void exited.then((code) => reject(new Error(`demo exited with ${code}:\n${output}`)));
    });

    expect(banner).toMatch(/ {2}base URL : http:\/\/localhost:\d+\/openai\n/);
    const curl = printedCurl(banner);
    expect(curl.url).toMatch(/^http:\/\/localhost:\d+\/openai\/chat\/completions$/);
    const res = await fetch(curl.url, { method: 'POST', headers: { authorization: `Bearer ${curl.key}`, 'content-type': 'application/json' }, body: curl.body });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { choices: Array<{ message: { content: string } }> }).choices[0].message.content).toBe('Emulated reply to: Hello');

    demo.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
