/**
 * Runs the real Codex CLI (`codex exec`, the native binary of @openai/codex) against the gateway.
 *
 * Each run gets a throwaway CODEX_HOME (config.toml with a custom `wire_api = "responses"` provider whose
 * key comes through `env_key`) and a throwaway working directory. Codex runs non-interactively (stdin is
 * /dev/null, approvals and sandbox bypassed: this container is the sandbox), in its own process group,
 * killed with that group when it exits or when its time is up. It reaches nothing beyond loopback:
 * analytics and plugin sync are off, and every proxy variable points at a closed loopback port so any
 * other outbound HTTP call fails at once; only 127.0.0.1 goes direct.
 *
 * Between Codex and the gateway sits a recording proxy, so tests can read what Codex really sent
 * (the Responses request bodies) and the headers the gateway answered with.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const CODEX_VERSION = '0.171.0';
/** A model Codex 0.171 knows: it offers apply_patch as a freeform (custom, lark grammar) tool. */
export const CODEX_KNOWN_MODEL = 'gpt-5.5';
export const CODEX_KEY_VAR = 'BEDROCK_GATEWAY_API_KEY';

const PLATFORM_PACKAGES: Readonly<Record<string, [pkg: string, triple: string]>> = {
  'linux-x64': ['@openai/codex-linux-x64', 'x86_64-unknown-linux-musl'],
  'linux-arm64': ['@openai/codex-linux-arm64', 'aarch64-unknown-linux-musl'],
  'darwin-x64': ['@openai/codex-darwin-x64', 'x86_64-apple-darwin'],
  'darwin-arm64': ['@openai/codex-darwin-arm64', 'aarch64-apple-darwin'],
};

/** The native binary, found the way @openai/codex's bin/codex.js finds it (run directly: no Node wrapper). */
export function codexBinary(): string {
  const entry = PLATFORM_PACKAGES[`${process.platform}-${process.arch}`];
  if (!entry) throw new Error(`No Codex binary for ${process.platform}-${process.arch}`);
  const [pkg, triple] = entry;
  const root = path.dirname(require.resolve(`${pkg}/package.json`));
  const binary = path.join(root, 'vendor', triple, 'bin', 'codex');
  if (!existsSync(binary)) throw new Error(`Codex binary missing at ${binary}; run npm ci`);
  return binary;
}

/** One recorded call from Codex to the gateway. */
export interface ProxiedCall {
  readonly method: string;
  readonly path: string;
  /** The parsed JSON body (undefined when empty or not JSON). */
  readonly body: unknown;
  readonly status: number;
  readonly responseHeaders: http.IncomingHttpHeaders;
}

export interface RecordingProxy {
  readonly url: string;
  readonly calls: ProxiedCall[];
  close(): Promise<void>;
}

/** A loopback HTTP proxy to `target` that records requests and streams answers through unchanged. */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const calls: ProxiedCall[] = [];
  const upstream = new URL(target);
  // No pooled sockets to the gateway outlive a call: closing the proxy leaves nothing open.
  const agent = new http.Agent({ keepAlive: false });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      let body: unknown;
      try {
        body = raw.length && !req.headers['content-encoding'] ? JSON.parse(raw.toString('utf8')) : undefined;
      } catch {
        body = undefined;
      }
      const out = http.request(
        { agent, host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
        (answer) => {
          calls.push({ method: req.method ?? '', path: req.url ?? '', body, status: answer.statusCode ?? 0, responseHeaders: answer.headers });
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      out.on('error', (error) => {
        calls.push({ method: req.method ?? '', path: req.url ?? '', body, status: 502, responseHeaders: {} });
        res.writeHead(502, { 'content-type': 'text/plain' }).end(`proxy: ${error.message}`);
      });
      out.end(raw);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface CodexSetup {
  /** The gateway's origin (the provider's base_url is `${gatewayUrl}/v1`). */
  readonly gatewayUrl: string;
  readonly apiKey: string;
  readonly model: string;
  /** Extra top-level config.toml lines, e.g. `model_reasoning_effort = "high"`. */
  readonly extraConfig?: string[];
}

/** The config.toml a user would write (README), plus the settings that keep a test run on loopback. */
export function codexConfig(setup: CodexSetup): string {
  return [
    `model = ${JSON.stringify(setup.model)}`,
    'model_provider = "bedrock-gateway"',
    ...(setup.extraConfig ?? []),
    // Test-only: no update check, no analytics upload, no plugin sync (each would call a public host).
    'check_for_update_on_startup = false',
    '',
    '[analytics]',
    'enabled = false',
    '',
    '[features]',
    'plugins = false',
    '',
    '[model_providers.bedrock-gateway]',
    'name = "Amazon Bedrock (gateway)"',
    `base_url = ${JSON.stringify(`${setup.gatewayUrl}/v1`)}`,
    `env_key = ${JSON.stringify(CODEX_KEY_VAR)}`,
    'wire_api = "responses"',
    // Test-only: a failure shows at once instead of after Codex's backoff.
    'request_max_retries = 0',
    'stream_max_retries = 0',
    '',
  ].join('\n');
}

export interface CodexResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  /** `codex exec` prints the final answer on stdout, its transcript and errors on stderr. */
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export interface CodexRunOptions extends CodexSetup {
  readonly prompt: string;
  /** Files to create in the working directory before Codex starts. */
  readonly files?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

/** A closed port on loopback: the proxy every non-loopback HTTP call is sent to. */
const DEAD_PROXY = 'http://127.0.0.1:9';

/** Every process of the tree under `pid` (Linux /proc; elsewhere only the group kill applies). */
function descendants(pid: number): number[] {
  if (!existsSync('/proc')) return [];
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // pid (comm) state ppid …; comm may hold spaces and parentheses, so read after the last ')'.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // the process ended while we looked
    }
  }
  const out: number[] = [];
  const walk = (p: number): void => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * A workspace for Codex runs: one temp root holding each run's CODEX_HOME and working directory, removed by
 * `dispose()`.
 */
export class CodexWorkspace {
  private constructor(private readonly root: string) {}
  private runs = 0;

  static async create(): Promise<CodexWorkspace> {
    return new CodexWorkspace(await mkdtemp(path.join(tmpdir(), 'codex-e2e-')));
  }

  /** Runs `codex exec` once; `cwd` is where its files are. Never rejects for Codex's own failures. */
  async run(options: CodexRunOptions): Promise<CodexResult & { cwd: string }> {
    this.runs += 1;
    const home = path.join(this.root, `home-${this.runs}`);
    const cwd = path.join(this.root, `work-${this.runs}`);
    await mkdir(home);
    await mkdir(cwd);
    await writeFile(path.join(home, 'config.toml'), codexConfig(options));
    for (const [name, text] of Object.entries(options.files ?? {})) await writeFile(path.join(cwd, name), text);
    return { ...(await exec(home, cwd, options)), cwd };
  }

  read(cwd: string, name: string): Promise<string> {
    return readFile(path.join(cwd, name), 'utf8');
  }

  async dispose(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}

async function exec(home: string, cwd: string, options: CodexRunOptions): Promise<CodexResult> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    CODEX_HOME: home,
    [CODEX_KEY_VAR]: options.apiKey,
    LANG: 'C.UTF-8',
    TERM: 'dumb',
    NO_COLOR: '1',
    ...Object.fromEntries(['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY'].flatMap((k) => [[k, DEAD_PROXY], [k.toLowerCase(), DEAD_PROXY]])),
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
  };
  const args = ['exec', '--strict-config', '--skip-git-repo-check', '--dangerously-bypass-approvals-and-sandbox', '--color', 'never', options.prompt];
  const started = Date.now();
  const child = spawn(codexBinary(), args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const pid = child.pid;
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));

  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    if (pid === undefined) return;
    // Children Codex moved to their own session (PTYs) are not in its group: end the whole tree.
    for (const p of descendants(pid)) kill(p);
    kill(-pid);
  }, timeoutMs);

  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
    child.on('error', (error) => {
      stderr += `\nspawn failed: ${error.message}`;
      resolve([null, null]);
    });
    child.on('exit', (c, s) => resolve([c, s]));
  });
  clearTimeout(timer);
  // Whatever Codex left in its process group goes with it.
  if (pid !== undefined) kill(-pid);
  // Output already written is in the pipes: let them drain, but a straggler holding them open is not waited for.
  let drainTimer: NodeJS.Timeout | undefined;
  await Promise.race([closed, new Promise<void>((resolve) => (drainTimer = setTimeout(resolve, 2_000)))]);
  clearTimeout(drainTimer);
  child.stdout.destroy();
  child.stderr.destroy();
  return { code, signal, timedOut, stdout, stderr, ms: Date.now() - started };
}
