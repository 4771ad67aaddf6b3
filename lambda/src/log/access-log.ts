/**
 * The access log line, written without Powertools' per-line work but in its format, field for field: the
 * same leading keys (`level`, `message`, `timestamp`, `service`, `sampling_rate`, and `xray_trace_id` on
 * Lambda), then the request's fields in the order given, `undefined` left out.
 *
 * Cheaper by construction: one `JSON.stringify` per line over the caller's own object (no copy, no log item,
 * no replacer), a prefix built once, no environment read per line outside Lambda, and lines written in one
 * batch per event-loop turn instead of one synchronous pipe write each (measured: Powertools about 14 µs a
 * line to a pipe, one stringify and write 4 µs, batched 3 µs; `docs/performance.md`).
 */
import { getXRayTraceIdFromEnv } from '@aws-lambda-powertools/commons/utils/env';

export type AccessLevel = 'INFO' | 'ERROR';

export interface LineSink {
  write(chunk: string): unknown;
}

export interface AccessLogOptions {
  readonly service: string;
  /** Where lines go. @default process.stdout */
  readonly sink?: LineSink;
  /** On Lambda each line carries the invocation's X-Ray trace id, as Powertools' lines do. */
  readonly lambda?: boolean;
  /** Lines held before a batch is written at once; a batch is also written at the end of each loop turn. */
  readonly maxBatchBytes?: number;
}

/** Every access log of the process, so the one exit hook can write what each still holds. */
const open = new Set<WeakRef<AccessLog>>();
let exitHook = false;

export class AccessLog {
  private readonly sink: LineSink;
  private readonly prefixes: Readonly<Record<AccessLevel, string>>;
  /** `,"service":…,"sampling_rate":0`, after the timestamp. */
  private readonly service: string;
  private readonly traceId: () => string | undefined;
  private readonly maxBatchBytes: number;
  private batch = '';
  private scheduled = false;

  constructor(options: AccessLogOptions) {
    this.sink = options.sink ?? process.stdout;
    const prefix = (level: AccessLevel) => `{"level":"${level}","message":"request","timestamp":"`;
    this.prefixes = { INFO: prefix('INFO'), ERROR: prefix('ERROR') };
    this.service = `,"service":${JSON.stringify(options.service)},"sampling_rate":0`;
    this.traceId = options.lambda ? getXRayTraceIdFromEnv : () => undefined;
    this.maxBatchBytes = options.maxBatchBytes ?? 64 * 1024;
    // Whatever is still held when the process exits is written synchronously on the way out.
    open.add(new WeakRef(this));
    if (!exitHook) {
      exitHook = true;
      process.once('exit', () => {
        for (const ref of open) ref.deref()?.flush();
      });
    }
  }

  /** One line; `fields` is serialised as it is (keys in its order) and not kept. */
  write(level: AccessLevel, fields: Readonly<Record<string, unknown>>): void {
    const body = JSON.stringify(fields);
    const trace = this.traceId();
    const head = `${this.prefixes[level]}${new Date().toISOString()}"${this.service}${trace === undefined ? '' : `,"xray_trace_id":${JSON.stringify(trace)}`}`;
    this.batch += body.length > 2 ? `${head},${body.slice(1)}\n` : `${head}}\n`;
    if (this.batch.length >= this.maxBatchBytes) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Writes the held lines now. */
  flush(): void {
    this.scheduled = false;
    if (this.batch === '') return;
    const out = this.batch;
    this.batch = '';
    this.sink.write(out);
  }
}
