/**
 * One-shot child process for the Lambda checks, printing one JSON line:
 *   probe import <bundle>  — time to require the handler bundle, and any network attempt made while loading
 *   probe alb <bundle>     — ALB events end to end through the bundled handler (emulator as Bedrock)
 */
import dns from 'node:dns';
import net from 'node:net';

interface AlbResult {
  statusCode: number;
  body: string;
  headers?: Record<string, string>;
  /** The ALB decodes base64 bodies before they reach the client (Hono encodes text/event-stream so). */
  isBase64Encoded?: boolean;
}

const bodyText = (res: AlbResult): string => (res.isBase64Encoded ? Buffer.from(res.body, 'base64').toString('utf8') : res.body);

type Handler = (event: unknown, context: unknown) => Promise<AlbResult>;

function albEvent(body: unknown): unknown {
  return {
    requestContext: { elb: { targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/bench/0123456789abcdef' } },
    httpMethod: 'POST',
    path: '/api/v1/chat/completions',
    queryStringParameters: {},
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${process.env.API_KEY}`,
      host: 'gateway.example.com',
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-proto': 'https',
    },
    body: JSON.stringify(body),
    isBase64Encoded: false,
  };
}

const context = {
  functionName: 'bench',
  awsRequestId: 'bench-request',
  getRemainingTimeInMillis: () => 30_000,
};

function watchNetwork(): string[] {
  const attempts: string[] = [];
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function patched(this: net.Socket, ...args: unknown[]) {
    attempts.push(`connect ${JSON.stringify(args[0]).slice(0, 80)}`);
    return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof connect;
  const lookup = dns.lookup;
  dns.lookup = function patched(hostname: string, ...rest: unknown[]) {
    attempts.push(`dns ${hostname}`);
    return (lookup as (...a: unknown[]) => void)(hostname, ...rest);
  } as typeof dns.lookup;
  return attempts;
}

async function probeImport(bundle: string): Promise<unknown> {
  const attempts = watchNetwork();
  const t0 = performance.now();
  const mod = module.require(bundle) as { handler?: unknown };
  const importMs = performance.now() - t0;
  // Anything scheduled at load (timers, promises) gets a moment to reach the network.
  await new Promise((r) => setTimeout(r, 300));
  return { importMs, hasHandler: typeof mod.handler === 'function', networkAtImport: attempts, rssBytes: process.memoryUsage.rss() };
}

async function probeAlb(bundle: string): Promise<unknown> {
  const { handler } = module.require(bundle) as { handler: Handler };
  const model = process.env.BENCH_MODEL;
  const messages = [{ role: 'user', content: 'Say hello in one short sentence.' }];
  const time = async (body: unknown): Promise<{ ms: number; res: AlbResult }> => {
    const t0 = performance.now();
    const res = await handler(albEvent(body), context);
    return { ms: performance.now() - t0, res };
  };
  const first = await time({ model, messages });
  const warm: number[] = [];
  for (let i = 0; i < 50; i += 1) warm.push((await time({ model, messages })).ms);
  const stream = await time({ model, messages, stream: true });
  const parsed = JSON.parse(bodyText(first.res)) as { object?: string; choices?: Array<{ message?: { content?: string } }> };
  return {
    statusCode: first.res.statusCode,
    object: parsed.object,
    content: parsed.choices?.[0]?.message?.content,
    firstMs: first.ms,
    warmMs: warm.sort((a, b) => a - b)[Math.floor(warm.length / 2)],
    stream: {
      statusCode: stream.res.statusCode,
      contentType: stream.res.headers?.['content-type'],
      base64: stream.res.isBase64Encoded ?? false,
      events: bodyText(stream.res).split('\n\n').filter((e) => e.startsWith('data:')).length,
      endsWithDone: bodyText(stream.res).trimEnd().endsWith('data: [DONE]'),
    },
  };
}

const [mode, bundle] = process.argv.slice(2);
const run = mode === 'import' ? probeImport : mode === 'alb' ? probeAlb : undefined;
if (!run || !bundle) {
  process.stderr.write('usage: probe import|alb <bundle>\n');
  process.exit(2);
}
run(bundle).then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (err: unknown) => {
    process.stdout.write(`${JSON.stringify({ error: err instanceof Error ? err.message : String(err) })}\n`);
    process.exit(1);
  },
);
