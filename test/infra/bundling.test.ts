import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { synth } from './synth';

/** The staged code of the gateway function (the one with our description), after real esbuild bundling. */
function bundledCode(context: Record<string, unknown>): string {
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
  return readFileSync(path.join(assetDir, 'index.js'), 'utf8');
}

describe('esbuild bundling (local, no Docker)', () => {
  it('bundles each entry into one minified file with a source map and the AWS SDK inside', () => {
    const alb = bundledCode({});
    const url = bundledCode({ target: 'lambda-url' });
    for (const code of [alb, url]) {
      // Minified: unminified esbuild output averages well under 100 characters a line.
      expect(code.length / code.split('\n').length).toBeGreaterThan(300);
      expect(code).toMatch(/sourceMappingURL=index\.js\.map/);
      // The SDK clients are bundled, not left to the runtime copy (only the optional CRT signer stays external).
      expect(code).not.toMatch(/require\("@aws-sdk\/client-/);
      expect(code).toContain('ConverseStream');
    }
    // Only the Function URL entry wraps the app for response streaming.
    expect(url).toContain('streamifyResponse');
    expect(alb).not.toContain('streamifyResponse');
  });
});
