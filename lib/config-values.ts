/**
 * Typed reads of CDK context values. Values from `-c key=value` arrive as strings while values from cdk.json
 * keep their JSON type, so every reader accepts both. Problems are collected, not thrown, so that one synth
 * reports every mistake at once.
 */

export type ContextGetter = (key: string) => unknown;

export class ContextReader {
  readonly issues: string[] = [];

  constructor(private readonly get: ContextGetter) {}

  /** Records a problem; `keys` are the context keys a user has to change to fix it. */
  issue(keys: string | readonly string[], message: string): void {
    const names = (typeof keys === 'string' ? [keys] : keys).join(', ');
    this.issues.push(`${names}: ${message}`);
  }

  /** True when the key was given a non-empty value. */
  has(key: string): boolean {
    const v = this.get(key);
    return v !== undefined && v !== null && !(typeof v === 'string' && v.trim() === '');
  }

  /** The value as given, for keys that accept several shapes (a JSON object or a string). */
  raw(key: string): unknown {
    return this.has(key) ? this.get(key) : undefined;
  }

  string(key: string, pattern?: RegExp, hint?: string): string | undefined {
    if (!this.has(key)) return undefined;
    const v = this.get(key);
    if (typeof v !== 'string') {
      this.issue(key, `expected a string, got ${JSON.stringify(v)}`);
      return undefined;
    }
    const s = v.trim();
    if (pattern && !pattern.test(s)) {
      this.issue(key, `${JSON.stringify(s)} is not ${hint ?? `of the form ${pattern.source}`}`);
      return undefined;
    }
    return s;
  }

  bool(key: string, fallback: boolean): boolean {
    if (!this.has(key)) return fallback;
    const v = this.get(key);
    if (typeof v === 'boolean') return v;
    const s = String(v).trim().toLowerCase();
    if (['true', 'yes', '1', 'on'].includes(s)) return true;
    if (['false', 'no', '0', 'off'].includes(s)) return false;
    this.issue(key, `expected true or false, got ${JSON.stringify(v)}`);
    return fallback;
  }

  int(key: string, fallback: number, min: number, max: number): number {
    if (!this.has(key)) return fallback;
    const v = this.get(key);
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : NaN;
    if (!Number.isInteger(n) || n < min || n > max) {
      this.issue(key, `expected an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
      return fallback;
    }
    return n;
  }

  /** A list given as a JSON array of strings or as one comma-separated string. */
  list(key: string, itemPattern?: RegExp, hint?: string): string[] | undefined {
    if (!this.has(key)) return undefined;
    const v = this.get(key);
    let items: string[];
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) items = v.map((x: string) => x.trim());
    else if (typeof v === 'string') items = v.split(',').map((x) => x.trim());
    else {
      this.issue(key, `expected a comma-separated string or a list of strings, got ${JSON.stringify(v)}`);
      return undefined;
    }
    items = items.filter((x) => x !== '');
    const bad = itemPattern ? items.filter((x) => !itemPattern.test(x)) : [];
    if (bad.length > 0) {
      this.issue(key, `${bad.map((b) => JSON.stringify(b)).join(', ')} ${bad.length === 1 ? 'is' : 'are'} not ${hint ?? `of the form ${itemPattern?.source}`}`);
      return undefined;
    }
    if (new Set(items).size !== items.length) {
      this.issue(key, 'lists the same value twice');
      return undefined;
    }
    return items;
  }
}

/** An IPv4 CIDR block with a valid prefix length, e.g. 10.0.1.0/24. */
export function isIpv4Cidr(value: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (!m) return false;
  const octets = m.slice(1, 5).map(Number);
  return octets.every((o) => o <= 255) && Number(m[5]) <= 32;
}

/** First and last address of a CIDR block as 32-bit numbers; the caller has checked isIpv4Cidr. */
export function cidrRange(value: string): readonly [number, number] {
  const [ip, bits] = value.split('/');
  const base = ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(bits));
  const start = Math.floor(base / size) * size;
  return [start, start + size - 1];
}

export function cidrsOverlap(a: string, b: string): boolean {
  const [a0, a1] = cidrRange(a);
  const [b0, b1] = cidrRange(b);
  return a0 <= b1 && b0 <= a1;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

/**
 * The known key a mistyped key was probably meant to be. Keys of other tools (feature flags with `@`,
 * CDK internals with `:`) and keys far from every known one are left alone: the context is shared.
 */
export function likelyTypo(key: string, known: readonly string[]): string | undefined {
  if (known.includes(key) || key.includes(':') || key.startsWith('@')) return undefined;
  const lower = key.toLowerCase();
  const match = known.find((k) => k.toLowerCase() === lower) ?? known.find((k) => editDistance(lower, k.toLowerCase()) <= 2);
  return match;
}
