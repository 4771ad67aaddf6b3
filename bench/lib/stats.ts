/** Small numeric helpers shared by the load generator and the report. */

/** Nearest-rank percentile of an unsorted sample (`p` in 0..100); NaN for an empty sample. */
export function percentile(values: ArrayLike<number>, p: number): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1));
  return sorted[rank];
}

export function median(values: ArrayLike<number>): number {
  return percentile(values, 50);
}

/** Rounds for display and JSON, keeping NaN as null so JSON stays honest about missing figures. */
export function round(value: number, digits = 3): number | null {
  if (!Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export interface LatencySummary {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** What every load lane reports, whatever drives it (raw HTTP or the SDK in-process). */
export interface LoadResult {
  readonly count: number;
  readonly errors: number;
  readonly errorSamples: string[];
  readonly seconds: number;
  readonly rps: number;
  readonly latencyMs: LatencySummary;
  readonly ttfcMs?: LatencySummary;
}

/** What a finished run measured, the way every load driver reports it. */
export interface FinishedRun {
  readonly done: number;
  readonly errors: number;
  readonly errorSamples: string[];
  /** `performance.now()` and `process.cpuUsage()` when the run started. */
  readonly startedAt: number;
  readonly cpuAtStart: NodeJS.CpuUsage;
  /** Per request, in completion order; only the first `done` entries count. */
  readonly latencies: Float64Array;
  /** Times to first content chunk (NaN where none came), for streaming runs only. */
  readonly ttfcs?: Float64Array;
}

/** The run's LoadResult, and the CPU this process spent per request since the run started. */
export function finishRun(run: FinishedRun): { result: LoadResult; cpuMsPerRequest: number } {
  const seconds = (performance.now() - run.startedAt) / 1000;
  const cpu = process.cpuUsage(run.cpuAtStart);
  const ttfcs = run.ttfcs?.subarray(0, run.done).filter((v) => !Number.isNaN(v));
  return {
    result: {
      count: run.done,
      errors: run.errors,
      errorSamples: run.errorSamples,
      seconds,
      rps: run.done / seconds,
      latencyMs: summarise(run.latencies.subarray(0, run.done)),
      ...(ttfcs ? { ttfcMs: summarise(ttfcs) } : {}),
    },
    cpuMsPerRequest: (cpu.user + cpu.system) / 1000 / Math.max(run.done, 1),
  };
}

export function summarise(values: ArrayLike<number>): LatencySummary {
  return {
    p50: percentile(values, 50),
    p90: percentile(values, 90),
    p99: percentile(values, 99),
    max: maxOf(values),
  };
}

function maxOf(values: ArrayLike<number>): number {
  let max = Number.NaN;
  for (let i = 0; i < values.length; i += 1) if (!(values[i] <= max)) max = values[i];
  return max;
}
