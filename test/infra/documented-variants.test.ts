/**
 * The deploy commands the README and docs/deploy.md show, read from the documents themselves: each one
 * synthesizes offline and is cdk-nag clean, and every Region-specific value it names comes with the Region.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { nagFindings, synth, validationFindings } from './synth';

const ROOT = path.join(__dirname, '..', '..');
const DOCUMENTS = ['README.md', 'docs/deploy.md'];

/** `npx cdk deploy|synth` commands in the documents' bash blocks, continuation lines joined, `$TLS`-style variables expanded. */
function documentedCommands(): [string, string][] {
  const out: [string, string][] = [];
  for (const doc of DOCUMENTS) {
    const text = readFileSync(path.join(ROOT, doc), 'utf8');
    for (const block of text.match(/```bash\n[\s\S]*?```/g) ?? []) {
      const lines = block.replace(/\\\n\s*/g, ' ').split('\n').map((l) => l.trim());
      const vars = new Map<string, string>();
      for (const line of lines) {
        const assignment = /^([A-Z_]+)="([^"]*)"$/.exec(line);
        if (assignment) vars.set(assignment[1], assignment[2]);
        if (!/^npx cdk (deploy|synth)\b/.test(line)) continue;
        const command = line.replace(/#.*$/, '').replace(/\$([A-Z_]+)/g, (_m, name: string) => vars.get(name) ?? `$${name}`).trim();
        out.push([`${doc}: ${command}`, command]);
      }
    }
  }
  return out;
}

/** The `-c key=value` pairs of a command; "…" in an ARN becomes a plausible id. */
function contextOf(command: string): Record<string, string> {
  const context: Record<string, string> = {};
  for (const [, key, value] of command.matchAll(/-c (\w+)=(\S+)/g)) context[key] = value.replace('certificate/…', 'certificate/0f2c1b9e-1111-2222-3333-444455556666');
  return context;
}

const COMMANDS = documentedCommands();

describe('documented deploy commands', () => {
  it('finds the commands of both documents, TLS variables expanded', () => {
    expect(COMMANDS.length).toBeGreaterThanOrEqual(10);
    expect(COMMANDS.some(([name]) => name.startsWith('docs/deploy.md'))).toBe(true);
    expect(COMMANDS.every(([, c]) => !c.includes('$'))).toBe(true);
  });

  it.each(COMMANDS)('%s: synthesizes, cdk-nag clean', (_name, command) => {
    const { app, stack } = synth(contextOf(command));
    expect(nagFindings(stack)).toEqual([]);
    expect(validationFindings(app)).toEqual([]);
  });

  it.each(COMMANDS)('%s: names the Region of every Region-specific value', (_name, command) => {
    const context = contextOf(command);
    const regions = new Set([...command.matchAll(/arn:aws:[a-z-]+:([a-z]{2}-[a-z]+-\d):/g), ...command.matchAll(/\b([a-z]{2}-[a-z]+-\d)[a-z]\b/g)].map((m) => m[1]));
    for (const region of regions) expect(context.region).toBe(region);
  });
});

describe('documents the source points at', () => {
  it('exist', () => {
    const files = ['bin/gateway.ts', ...['lib', 'lib/constructs', 'lambda/src/runtime/lambda', 'lambda/src/runtime/node'].flatMap((dir) => readdir(dir))];
    const referenced = files.flatMap((file) => [...readFileSync(path.join(ROOT, file), 'utf8').matchAll(/\b(docs\/[\w-]+\.md)\b/g)].map((m) => m[1]));
    expect(referenced).toContain('docs/deploy.md');
    expect(referenced.filter((doc) => !existsSync(path.join(ROOT, doc)))).toEqual([]);
  });
});

function readdir(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith('.ts')).map((f) => `${dir}/${f}`);
}
