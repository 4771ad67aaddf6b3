/**
 * The cheaper access log writes what Powertools wrote for the same line, key for key and in the same order,
 * and batches the lines of one event-loop turn into one write.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { AccessLog } from '../../lambda/src/log/access-log';
import { captureOutput } from '../reliability/support';

const turn = () => new Promise((r) => setImmediate(r));

function sink() {
  const writes: string[] = [];
  return { writes, write: (chunk: string) => writes.push(chunk), lines: () => writes.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

/** What Powertools writes for `logger[level]('request', fields)`. */
function powertoolsLine(level: 'info' | 'error', fields: Record<string, unknown>): Record<string, unknown> {
  const out = captureOutput();
  try {
    new Logger({ serviceName: 'bedrock-openai-gateway', logLevel: 'INFO' })[level]('request', fields);
  } finally {
    out.restore();
  }
  return out.json()[0];
}

const FIELDS = {
  requestId: 'req-1',
  method: 'POST',
  path: '/v1/chat/completions',
  status: 200,
  latencyMs: 1.3,
  model: 'm',
  keyId: undefined,
  timeToFirstTokenMs: undefined,
  inputTokens: 3,
  outputTokens: 4,
  prompt: [{ role: 'user', content: 'quote " and \\ and \n newline' }],
};

const withoutTimestamp = (line: Record<string, unknown>) => ({ ...line, timestamp: typeof line.timestamp });

describe('AccessLog', () => {
  const saved = process.env._X_AMZN_TRACE_ID;
  afterEach(() => {
    if (saved === undefined) delete process.env._X_AMZN_TRACE_ID;
    else process.env._X_AMZN_TRACE_ID = saved;
  });

  it.each([
    ['INFO', 'info', false, undefined],
    ['ERROR', 'error', false, undefined],
    ['INFO', 'info', true, 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1'],
  ] as const)('a %s line is the line Powertools writes (keys, order, values; Lambda %s)', async (level, method, lambda, trace) => {
    if (trace) process.env._X_AMZN_TRACE_ID = trace;
    const expected = powertoolsLine(method, FIELDS);
    const out = sink();
    new AccessLog({ service: 'bedrock-openai-gateway', sink: out, lambda }).write(level, FIELDS);
    await turn();
    const [line] = out.lines();
    expect(Object.keys(line)).toEqual(Object.keys(expected));
    expect(withoutTimestamp(line)).toEqual(withoutTimestamp(expected));
    expect(new Date(line.timestamp as string).toISOString()).toBe(line.timestamp);
    if (trace) expect(line.xray_trace_id).toBe('1-5759e988-bd862e3fe1be46a994272793');
  });

  it('writes a line with no fields', async () => {
    const out = sink();
    new AccessLog({ service: 's', sink: out }).write('INFO', {});
    await turn();
    expect(out.lines()).toEqual([{ level: 'INFO', message: 'request', timestamp: expect.any(String), service: 's', sampling_rate: 0 }]);
  });

  it('writes the lines of one turn in one write, after the turn', async () => {
    const out = sink();
    const log = new AccessLog({ service: 's', sink: out });
    log.write('INFO', { n: 1 });
    log.write('ERROR', { n: 2 });
    expect(out.writes).toEqual([]);
    await turn();
    expect(out.writes).toHaveLength(1);
    expect(out.lines().map((l) => [l.level, l.n])).toEqual([
      ['INFO', 1],
      ['ERROR', 2],
    ]);
  });

  it('writes at once when the batch is full', () => {
    const out = sink();
    const log = new AccessLog({ service: 's', sink: out, maxBatchBytes: 200 });
    log.write('INFO', { pad: 'x'.repeat(250) });
    expect(out.lines()).toMatchObject([{ pad: 'x'.repeat(250) }]);
  });
});
