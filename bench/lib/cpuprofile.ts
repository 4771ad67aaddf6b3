/**
 * Summarises a V8 .cpuprofile of the gateway's unminified bundle: self and inclusive time per source
 * module (esbuild marks each module in the bundle with a `// path` comment) and the hottest functions.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  readonly totalMs: number;
  readonly bySelf: Array<[string, number]>;
  readonly byInclusive: Array<[string, number]>;
  readonly topFunctions: Array<[string, number]>;
}

/** Line (0-based) → module path, from esbuild's `// node_modules/...` and `// lambda/src/...` markers. */
function moduleIndex(bundlePath: string): (line: number) => string {
  const starts: Array<[number, string]> = [];
  readFileSync(bundlePath, 'utf8')
    .split('\n')
    .forEach((text, i) => {
      const m = /^\/\/ ((?:node_modules|lambda|bench)\/\S+)$/.exec(text);
      if (m) starts.push([i, m[1]]);
    });
  return (line) => {
    let lo = 0;
    let hi = starts.length - 1;
    let found = '(bundle prelude)';
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid][0] <= line) {
        found = starts[mid][1];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
}

/** Groups a module path into a readable bucket: package name, or the app file. */
export function bucket(path: string): string {
  const pkg = /^node_modules\/((?:@[^/]+\/)?[^/]+)(?:\/dist-\w+\/submodules\/(\w+))?/.exec(path);
  if (pkg) return pkg[2] ? `${pkg[1]}/${pkg[2]}` : pkg[1];
  return path;
}

export function summariseProfile(profilePath: string, bundlePath: string, bundleUrlPart: string): ProfileSummary {
  const profile = JSON.parse(readFileSync(profilePath, 'utf8')) as CpuProfile;
  const moduleAt = moduleIndex(bundlePath);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (n: ProfileNode): string => {
    const { url, functionName, lineNumber } = n.callFrame;
    if (url.includes(bundleUrlPart)) return bucket(moduleAt(lineNumber));
    if (url.startsWith('node:')) return url.replace(/^node:(internal\/)?/, 'node:').split('/').slice(0, 2).join('/');
    return url ? url : functionName || '(anonymous)';
  };
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  const fns = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    const leaf = byId.get(id);
    if (!leaf || leaf.callFrame.functionName === '(idle)') return;
    total += dt;
    const leafLabel = label(leaf);
    self.set(leafLabel, (self.get(leafLabel) ?? 0) + dt);
    const fnKey = `${leaf.callFrame.functionName || '(anonymous)'} [${leafLabel}]`;
    fns.set(fnKey, (fns.get(fnKey) ?? 0) + dt);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const node = byId.get(cur);
      if (!node) break;
      const l = label(node);
      if (!seen.has(l)) {
        seen.add(l);
        incl.set(l, (incl.get(l) ?? 0) + dt);
      }
    }
  });
  const top = (m: Map<string, number>, n: number) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
  return { totalMs: total, bySelf: top(self, 25), byInclusive: top(incl, 40), topFunctions: top(fns, 30) };
}
