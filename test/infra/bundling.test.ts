import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { synth } from './synth';

const { LAZY_MODULES, lazyOutfile } = require('../../scripts/lazy-modules.cjs') as { LAZY_MODULES: string[]; lazyOutfile(spec: string): string };

/** The staged code of the gateway function (the one with our description), after real esbuild bundling. */
function bundledCode(context: Record<string, unknown>): { code: string; dir: string } {
  const { app, stack } = synth(context, { bundle: true });
  const dir = app.synth().directory;
  const template = JSON.parse(readFileSync(path.join(dir, `${stack.stackName}.template.json`), 'utf8'));
  type Fn = { Type: string; Properties: { Description?: string; Code: { S3Key: string } } };
  const fn = Object.values(template.Resources as Record<string, Fn>).find(
    (r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Description === 'OpenAI-compatible API gateway for Amazon Bedrock',
  );
  const assets = JSON.parse(readFileSync(path.join(dir, `${stack.stackName}.assets.json`), 'utf8'));
  const assetDir = path.join(dir, assets.files[fn!.Properties.Code.S3Key.replace(/\.zip$/, '')].source.path);
  expect(existsSync(path.join(assetDir, 'index.js.map'))).toBe(true);
  return { code: readFileSync(path.join(assetDir, 'index.js'), 'utf8'), dir: assetDir };
}

describe('esbuild bundling (local, no Docker)', () => {
  it('bundles each entry into one minified file with a source map and the AWS SDK inside', () => {
    const alb = bundledCode({});
    const url = bundledCode({ target: 'lambda-url' });
    for (const { code, dir } of [alb, url]) {
      // Minified: unminified esbuild output averages well under 100 characters a line.
      expect(code.length / code.split('\n').length).toBeGreaterThan(300);
      expect(code).toMatch(/sourceMappingURL=index\.js\.map/);
      // The runtime client is bundled, not left to the runtime's older copy; the only SDK clients required at
      // run time are the lazily loaded ones, which ship beside the bundle as their own files.
      expect(code).toContain('ConverseStream');
      const required = [...code.matchAll(/(?:require|import)\("(@aws-sdk\/(?:client|nested)-[^"]+|gpt-tokenizer[^"]*|bowser)"\)/g)].map((m) => m[1]);
      expect(new Set(required)).toEqual(new Set(LAZY_MODULES));
      for (const spec of LAZY_MODULES) expect(existsSync(path.join(dir, lazyOutfile(spec)))).toBe(true);
      expect(code).not.toContain('cl100k_base.tiktoken');
    }
    // Only the Function URL entry wraps the app for response streaming.
    expect(url.code).toContain('streamifyResponse');
    expect(alb.code).not.toContain('streamifyResponse');
  });
});
