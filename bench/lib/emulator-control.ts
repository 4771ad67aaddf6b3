/** The emulator's HTTP control API (emulator/control-api.ts), as the benchmark uses it. */

export interface EmulatorSettings {
  replyText?: string | null;
  deltaDelayMs?: number;
  textChunks?: number | null;
  latencyMs?: number;
}

export interface RecordedRequest {
  readonly operation: string;
  readonly modelId?: string;
  readonly body: unknown;
}

export class EmulatorControl {
  constructor(readonly url: string) {}

  private async call<T>(method: 'GET' | 'POST', route: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}/__emulator/${route}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`emulator ${route}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  /** Clears recorded requests (they grow with every call) and applies `settings` afresh. */
  async prepare(settings: EmulatorSettings): Promise<void> {
    await this.call('POST', 'reset', {});
    await this.call('POST', 'defaults', settings);
  }

  stats(): Promise<{ openStreams: number; inFlight: number; requestCount: number }> {
    return this.call('GET', 'stats');
  }

  requests(): Promise<RecordedRequest[]> {
    return this.call('GET', 'requests');
  }
}
