import { BedrockClient, ListFoundationModelsCommand } from '@aws-sdk/client-bedrock';
import { BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { spawn } from 'node:child_process';
import http from 'node:http';
import http2 from 'node:http2';
import path from 'node:path';
import { startEmulator, type EmulatorStats, type RecordedRequest } from '../../emulator';
import { credentials, eventually, runtimeClient, useEmulator, userMessage } from './helpers';

const ctx = useEmulator();
const converseBody = (text: string) => JSON.stringify({ messages: [userMessage(text)] });

/** Plain HTTP/1.1 request on a given agent (keep-alive or not). */
function h1(url: string, opts: { method?: string; body?: string; agent?: http.Agent } = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string; socketPort?: number }>((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? 'GET', agent: opts.agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, socketPort: req.socket?.localPort }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('control API over HTTP', () => {
  it('enqueues a reply another process can script', async () => {
    const { url } = ctx.emulator();
    const queued = await h1(`${url}/__emulator/enqueue`, {
      method: 'POST',
      body: JSON.stringify({ reply: { content: [{ text: 'from afar' }] }, modelId: 'amazon.nova-lite-v1:0' }),
    });
    expect(JSON.parse(queued.body)).toEqual({ queued: 1 });
    const res = await ctx.client('h2').send(new ConverseCommand({ modelId: 'amazon.nova-lite-v1:0', messages: [userMessage('q')] }));
    expect(res.output?.message?.content).toEqual([{ text: 'from afar' }]);
  });

  it('reports requests and stats, applies defaults and resets', async () => {
    const { url } = ctx.emulator();
    await h1(`${url}/__emulator/defaults`, { method: 'POST', body: JSON.stringify({ replyText: 'Configured' }) });
    const res = await ctx.client('http/1.1').send(new ConverseCommand({ modelId: 'amazon.nova-lite-v1:0', messages: [userMessage('q')] }));
    expect(res.output?.message?.content).toEqual([{ text: 'Configured' }]);

    const requests = JSON.parse((await h1(`${url}/__emulator/requests`)).body) as RecordedRequest[];
    expect(requests).toEqual([expect.objectContaining({ operation: 'converse', modelId: 'amazon.nova-lite-v1:0', protocol: 'http/1.1' })]);
    const stats = JSON.parse((await h1(`${url}/__emulator/stats`)).body) as EmulatorStats;
    expect(stats).toEqual({ openStreams: 0, inFlight: 0, requestCount: 1, streamedBytes: 0 });

    await h1(`${url}/__emulator/reset`, { method: 'POST' });
    expect(ctx.emulator().requests).toEqual([]);
    const after = await ctx.client('h2').send(new ConverseCommand({ modelId: 'amazon.nova-lite-v1:0', messages: [userMessage('q')] }));
    expect(after.output?.message?.content).toEqual([{ text: 'Emulated reply to: q' }]);
  });

  it.each([
    ['GET', '/__emulator/nope', '', 404],
    ['GET', '/__emulator/reset', '', 405],
    ['POST', '/__emulator/enqueue', '{"reply":5}', 400],
    ['POST', '/__emulator/defaults', 'not json', 400],
  ])('%s %s %s answers %i', async (method, route, body, status) => {
    const res = await h1(`${ctx.emulator().url}${route}`, { method, body });
    expect(res.status).toBe(status);
  });
});

describe('wire details', () => {
  it('answers an unknown route with a typed 404', async () => {
    const res = await h1(`${ctx.emulator().url}/guardrails`);
    expect(res.status).toBe(404);
    expect(res.headers['x-amzn-errortype']).toBe('UnknownOperationException');
  });

  it('accepts unsigned requests and reports the embedding token count header', async () => {
    const res = await h1(`${ctx.emulator().url}/model/amazon.titan-embed-text-v2%3A0/invoke`, {
      method: 'POST',
      body: JSON.stringify({ inputText: 'five words in this text' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers['x-amzn-bedrock-input-token-count']).toBe('5');
  });

  it('keeps HTTP/1.1 connections alive across requests', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const url = `${ctx.emulator().url}/model/amazon.nova-micro-v1%3A0/converse`;
    const ports = [];
    for (let i = 0; i < 3; i += 1) ports.push((await h1(url, { method: 'POST', body: converseBody(`n${i}`), agent })).socketPort);
    agent.destroy();
    expect(new Set(ports).size).toBe(1);
  });

  it('serves many concurrent streams on one HTTP/2 session', async () => {
    const session = http2.connect(ctx.emulator().url);
    const one = (i: number) =>
      new Promise<string>((resolve, reject) => {
        const stream = session.request({ ':method': 'POST', ':path': '/model/amazon.nova-micro-v1%3A0/converse' });
        let body = '';
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => (body += chunk));
        stream.on('end', () => resolve(body));
        stream.on('error', reject);
        stream.end(converseBody(`question ${i}`));
      });
    ctx.emulator().setDefaults({ latencyMs: 30 });
    const bodies = await Promise.all(Array.from({ length: 50 }, (_, i) => one(i)));
    session.close();
    expect(bodies.map((b) => (JSON.parse(b) as { output: { message: { content: Array<{ text: string }> } } }).output.message.content[0].text)).toEqual(
      Array.from({ length: 50 }, (_, i) => `Emulated reply to: question ${i}`),
    );
  });
});

describe('SDK clients', () => {
  it('find the emulator through the standard endpoint variables', async () => {
    const saved = { runtime: process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME, control: process.env.AWS_ENDPOINT_URL_BEDROCK };
    process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME = ctx.emulator().url;
    process.env.AWS_ENDPOINT_URL_BEDROCK = ctx.emulator().url;
    const runtime = new BedrockRuntimeClient({ region: 'us-east-1', credentials });
    const control = new BedrockClient({ region: 'us-east-1', credentials });
    try {
      const res = await runtime.send(new ConverseCommand({ modelId: 'amazon.nova-micro-v1:0', messages: [userMessage('env')] }));
      expect(res.output?.message?.content).toEqual([{ text: 'Emulated reply to: env' }]);
      expect((await control.send(new ListFoundationModelsCommand({}))).modelSummaries?.length).toBeGreaterThan(0);
    } finally {
      runtime.destroy();
      control.destroy();
      for (const [key, value] of [['AWS_ENDPOINT_URL_BEDROCK_RUNTIME', saved.runtime], ['AWS_ENDPOINT_URL_BEDROCK', saved.control]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });

  it('stream concurrently through the default h2 handler', async () => {
    const emulator = ctx.emulator();
    // Held streams stay open until released: all 20 open at once proves the handler runs them side by side,
    // whatever the machine's speed (a handler that queued streams would never get past 1 open).
    const release = emulator.hold();
    const client = ctx.client('h2');
    const texts = Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const res = await client.send(new ConverseStreamCommand({ modelId: 'amazon.nova-micro-v1:0', messages: [userMessage(`q${i} a b c`)] }));
        let text = '';
        for await (const event of res.stream ?? []) text += event.contentBlockDelta?.delta?.text ?? '';
        return text;
      }),
    );
    await eventually(() => emulator.openStreams === 20);
    release();
    expect(await texts).toEqual(Array.from({ length: 20 }, (_, i) => `Emulated reply to: q${i} a b c`));
    await eventually(() => emulator.openStreams === 0);
  });
});

describe('lifecycle', () => {
  // "Promptly" without a stopwatch: what close() could wait for (the idle keep-alive connection's 30 s
  // timeout, a reply held until released) all outlast this test's own timeout, so only a close() that ends
  // them itself lets the test pass.
  it('close() ends idle keep-alive and HTTP/2 connections, and calls in flight, without waiting for them', async () => {
    const emulator = await startEmulator();
    const agent = new http.Agent({ keepAlive: true });
    const client = runtimeClient(emulator, 'h2');
    try {
      await h1(`${emulator.url}/__emulator/stats`, { agent });
      emulator.hold();
      const pending = client.send(new ConverseCommand({ modelId: 'amazon.nova-micro-v1:0', messages: [userMessage('q')] }));
      pending.catch(() => undefined);
      await eventually(() => emulator.inFlight === 1);
      await emulator.close();
      await expect(pending).rejects.toThrow();
    } finally {
      agent.destroy();
      client.destroy();
    }
  }, 10_000);

  it('runs as a CLI on PORT and stops on SIGTERM', async () => {
    const root = path.resolve(__dirname, '../..');
    const child = spawn(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'emulator/main.ts'], {
      cwd: root,
      env: { ...process.env, PORT: '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          const match = /http:\/\/[\d.]+:\d+/.exec(chunk.toString());
          if (match) resolve(match[0]);
        });
        child.on('exit', (code) => reject(new Error(`exited with ${code}`)));
      });
      const stats = await h1(`${url}/__emulator/stats`);
      expect(JSON.parse(stats.body)).toEqual({ openStreams: 0, inFlight: 0, requestCount: 0, streamedBytes: 0 });
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      // A failed check above must not leave the emulator process (and so this Jest worker) running.
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    }
  }, 20_000);
});
