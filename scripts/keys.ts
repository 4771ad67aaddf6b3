/**
 * `npm run keys -- <command>`: the operator's side of managed API keys, over the gateway's admin API (so it
 * works the same against a local gateway and a deployed one). It needs the gateway's URL and a root key:
 * GATEWAY_URL (e.g. https://gw.example.com/api/v1) and GATEWAY_ADMIN_KEY, or --url and --admin-key.
 *
 *   create --name team-a [--models 'anthropic.claude-3-5-haiku*,amazon.nova-*'] [--rpm 60] [--tpm 100000]
 *          [--budget-usd 200 | --budget-tokens 5000000] [--period day|month] [--expires 2027-01-31]
 *          [--metadata team=a,cost_center=42] [--profile 'anthropic.claude-3-5-haiku*=arn:aws:bedrock:…']
 *   list [--all]             keys (never their secrets); --all includes revoked ones
 *   show <id>
 *   update <id> [any create flag] [--clear models,limits,budget,expires_at,metadata,inference_profiles]
 *   revoke <id>
 *   usage [--key <id>] [--from 2026-12-01] [--to 2026-12-31] [--group-by model|day|model,day]
 *
 * Add --json for the admin API's own JSON instead of tables.
 */
import { parseArgs } from 'node:util';

const USAGE = `usage: npm run keys -- <create|list|show|update|revoke|usage> [options]  (see scripts/keys.ts)`;

class CliError extends Error {}

const options = {
  url: { type: 'string' },
  'admin-key': { type: 'string' },
  name: { type: 'string' },
  models: { type: 'string' },
  rpm: { type: 'string' },
  tpm: { type: 'string' },
  'budget-usd': { type: 'string' },
  'budget-tokens': { type: 'string' },
  period: { type: 'string' },
  expires: { type: 'string' },
  metadata: { type: 'string' },
  profile: { type: 'string', multiple: true },
  clear: { type: 'string' },
  all: { type: 'boolean' },
  key: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  'group-by': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Flags = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>['values'];

const number = (flag: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new CliError(`--${flag} needs a number, got "${v}"`);
  return n;
};

const pairs = (flag: string, v: string | undefined, sep: string): Record<string, string> | undefined => {
  if (v === undefined) return undefined;
  return Object.fromEntries(
    v.split(',').map((pair) => {
      const at = pair.indexOf(sep);
      if (at <= 0) throw new CliError(`--${flag} takes key${sep}value pairs, got "${pair}"`);
      return [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
    }),
  );
};

function expiry(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (/^\d+$/.test(v)) return Number(v);
  const ms = Date.parse(v.length === 10 ? `${v}T23:59:59Z` : v);
  if (Number.isNaN(ms)) throw new CliError(`--expires takes unix seconds or a date, got "${v}"`);
  return Math.floor(ms / 1000);
}

/** The admin API body the flags describe (only what was given). */
export function keyBody(f: Flags): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (f.name !== undefined) body.name = f.name;
  if (f.models !== undefined) body.models = f.models.split(',').map((m) => m.trim()).filter(Boolean);
  const rpm = number('rpm', f.rpm);
  const tpm = number('tpm', f.tpm);
  if (rpm !== undefined || tpm !== undefined) body.limits = { ...(rpm !== undefined && { rpm }), ...(tpm !== undefined && { tpm }) };
  const usd = number('budget-usd', f['budget-usd']);
  const tokens = number('budget-tokens', f['budget-tokens']);
  if (usd !== undefined || tokens !== undefined) body.budget = { ...(usd !== undefined && { usd }), ...(tokens !== undefined && { tokens }), ...(f.period && { period: f.period }) };
  const expiresAt = expiry(f.expires);
  if (expiresAt !== undefined) body.expires_at = expiresAt;
  const metadata = pairs('metadata', f.metadata, '=');
  if (metadata) body.metadata = metadata;
  if (f.profile?.length) body.inference_profiles = Object.assign({}, ...f.profile.map((p) => pairs('profile', p, '=')));
  for (const field of (f.clear ?? '').split(',').map((s) => s.trim()).filter(Boolean)) body[field] = null;
  return body;
}

async function call(f: Flags, method: string, path: string, body?: unknown): Promise<any> {
  const base = (f.url ?? process.env.GATEWAY_URL ?? '').replace(/\/+$/, '');
  const key = f['admin-key'] ?? process.env.GATEWAY_ADMIN_KEY;
  if (!base || !key) throw new CliError('Set GATEWAY_URL (e.g. http://localhost:8000/api/v1) and GATEWAY_ADMIN_KEY (a root key), or pass --url and --admin-key.');
  const res = await fetch(`${base}/admin${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliError(`${method} ${path}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
  }
  if (!res.ok) throw new CliError(`${method} ${path}: HTTP ${res.status}: ${json?.error?.message ?? text}${json?.error?.param ? ` (${json.error.param})` : ''}`);
  return json;
}

function table(rows: Array<Record<string, unknown>>, columns: string[]): string {
  const cell = (v: unknown) => (v === null || v === undefined ? '-' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd();
  return [line(columns), ...rows.map((r) => line(columns.map((c) => cell(r[c]))))].join('\n');
}

export function parseCommandLine(argv: readonly string[]): { readonly flags: Flags; readonly positionals: string[] } {
  const { values, positionals } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  return { flags: values, positionals };
}

export async function run(argv: readonly string[], out: (text: string) => void): Promise<void> {
  const { flags: f, positionals } = parseCommandLine(argv);
  const [command, id] = positionals;
  const print = (json: unknown, human: () => string) => out(f.json ? JSON.stringify(json, null, 2) : human());
  const needId = () => {
    if (!id) throw new CliError(`${command} needs a key id (key_…)`);
    return encodeURIComponent(id);
  };
  switch (command) {
    case 'create': {
      if (!f.name) throw new CliError('create needs --name');
      const created = await call(f, 'POST', '/keys', keyBody(f));
      return print(created, () => `Created ${created.id} (${created.name}). The key, shown only now:\n\n  ${created.key}\n`);
    }
    case 'list': {
      const list = await call(f, 'GET', `/keys${f.all ? '?include_revoked=true' : ''}`);
      return print(list, () => table(list.data, ['id', 'name', 'status', 'key_hint', 'models', 'limits', 'budget', 'expires_at']));
    }
    case 'show': {
      const shown = await call(f, 'GET', `/keys/${needId()}`);
      return print(shown, () => JSON.stringify(shown, null, 2));
    }
    case 'update': {
      const updated = await call(f, 'PATCH', `/keys/${needId()}`, keyBody(f));
      return print(updated, () => JSON.stringify(updated, null, 2));
    }
    case 'revoke': {
      const revoked = await call(f, 'DELETE', `/keys/${needId()}`);
      return print(revoked, () => `Revoked ${revoked.id}.`);
    }
    case 'usage': {
      const q = new URLSearchParams();
      if (f.key) q.set('key_id', f.key);
      if (f.from) q.set('from', f.from);
      if (f.to) q.set('to', f.to);
      if (f['group-by']) q.set('group_by', f['group-by']);
      const usage = await call(f, 'GET', `/usage${q.size ? `?${q}` : ''}`);
      const columns = ['key_id', 'key_name', ...usage.group_by.split(','), 'requests', 'input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens', 'cost_usd'].map((c) =>
        c === 'day' ? 'date' : c,
      );
      return print(usage, () => `${usage.from} … ${usage.to}\n${table(usage.data, columns)}`);
    }
    default:
      throw new CliError(USAGE);
  }
}

if (require.main === module) {
  run(process.argv.slice(2), (text) => process.stdout.write(`${text}\n`)).catch((err: unknown) => {
    process.stderr.write(`${err instanceof CliError || (err as { code?: string })?.code?.startsWith?.('ERR_PARSE_ARGS') ? (err as Error).message : String(err)}\n`);
    process.exit(1);
  });
}
