/**
 * A logged stack points at the TypeScript sources when the code runs bundled without `--enable-source-maps`
 * (the Lambda function): a fixture that imports the real `errorForLog` is bundled with the deployables' flags
 * (minified, external map without sources) and run in a child Node.
 */
import { buildSync } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { errorForLog, sourceMappedStack } from '../../lambda/src/log/error-fields';

const ROOT = path.join(__dirname, '../..');
let dir: string;
let fixture: string;

const FIXTURE = `import { errorForLog } from '${path.join(ROOT, 'lambda/src/log/error-fields')}';
function translateSomething(value: number): number {
  if (value > 1) throw new TypeError('boom ' + value);
  return value;
}
try {
  translateSomething(2);
} catch (err) {
  process.stdout.write(JSON.stringify(errorForLog(err)));
}
`;

/** Where the fixture throws, counted in its own text (1-based line and column of `throw`). */
const throwAt = (() => {
  const lines = FIXTURE.split('\n');
  const line = lines.findIndex((l) => l.includes('throw new TypeError'));
  return { line: line + 1, column: lines[line].indexOf('new TypeError') + 1 };
})();

function run(bundle: string, nodeOptions: string[] = []): { name: string; message: string; stack: string } {
  return JSON.parse(execFileSync(process.execPath, [...nodeOptions, bundle], { encoding: 'utf8', env: { PATH: process.env.PATH } }));
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'error-fields-'));
  fixture = path.join(dir, 'fixture.ts');
  writeFileSync(fixture, FIXTURE);
  buildSync({ entryPoints: [fixture], outfile: path.join(dir, 'out', 'index.js'), bundle: true, platform: 'node', target: 'node22', format: 'cjs', minify: true, sourcemap: true, sourcesContent: false, logLevel: 'silent' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('errorForLog', () => {
  it('maps a bundled frame to its source file, line and column, without --enable-source-maps', () => {
    const logged = run(path.join(dir, 'out', 'index.js'));
    expect(logged).toMatchObject({ name: 'TypeError', message: 'boom 2' });
    const first = logged.stack.split('\n')[1];
    // The map names sources relative to itself (../fixture.ts); the log drops the leading ../ segments.
    expect(first).toContain(`fixture.ts:${throwAt.line}:${throwAt.column}`);
    expect(first).not.toContain('index.js');
  });

  it('leaves the mapping to Node when its flag is on', () => {
    const logged = run(path.join(dir, 'out', 'index.js'), ['--enable-source-maps']);
    expect(logged.stack.split('\n')[1]).toContain(`${fixture}:${throwAt.line}:${throwAt.column}`);
  });

  it('leaves frames without a map, and a map that cannot be read, as they are', () => {
    const bundle = path.join(dir, 'out', 'index.js');
    const unmapped = path.join(dir, 'out', 'copy.js');
    writeFileSync(unmapped, readFileSync(bundle));
    const broken = path.join(dir, 'out', 'broken.js');
    writeFileSync(broken, readFileSync(bundle));
    writeFileSync(`${broken}.map`, '{not json');
    const stack = ['Error: x', `    at f (${unmapped}:1:200)`, `    at ${broken}:1:10`, '    at Module._compile (node:internal/modules/cjs/loader:1781:14)'].join('\n');
    expect(sourceMappedStack(stack)).toBe(stack);
  });

  it.each([
    ['a string', 'oops', 'oops'],
    ['a number', 42, '42'],
    ['an object without toString', Object.create(null), 'object'],
  ])('logs %s thrown as text', (_name, thrown, text) => {
    expect(errorForLog(thrown)).toBe(text);
  });
});
