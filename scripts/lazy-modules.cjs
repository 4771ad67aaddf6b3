/**
 * Modules the deployables load only when a request needs them. They stay out of the main bundle (its size
 * is the Lambda cold-start cost) and are each bundled on their own to `node_modules/<spec>` beside it, where
 * Node's module resolution finds them on first use. Shared by the CDK Lambda bundling, the Dockerfile
 * (`scripts/bundle-server.cjs`) and the benchmark, so all three ship the same layout.
 */
const LAZY_MODULES = [
  // Token-id inputs to /embeddings: the cl100k_base ranks are about 1 MB of JavaScript.
  'gpt-tokenizer/encoding/cl100k_base',
  // API keys in SSM Parameter Store (API_KEY_PARAM_NAME) only.
  '@aws-sdk/client-ssm',
  // The model catalog (GET /models, readable profile names); chat with a Bedrock id never needs it.
  '@aws-sdk/client-bedrock',
  // The DynamoDB response store (about 125 KB bundled): only requests that store or read a response load it.
  '@aws-sdk/client-dynamodb',
  // The SDK's credential sources other than environment variables, imported only when the SDK tries them:
  // Lambda has its role's keys in the environment and never does; ECS/Fargate loads the container-credentials
  // pair once, at its first AWS call; shared files, SSO, STS and web identity are for local runs (their STS and
  // SSO clients are bundled inside these files).
  '@aws-sdk/credential-provider-http',
  '@smithy/credential-provider-imds',
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-web-identity',
  // The runtime client's SSO bearer-token source (AWS_BEARER_TOKEN_BEDROCK needs no client).
  '@aws-sdk/nested-clients/sso-oidc',
];

/** A module specifier split into its package and the subpath inside it ('' for the package itself). */
function splitSpec(spec) {
  const parts = spec.split('/');
  const n = spec.startsWith('@') ? 2 : 1;
  return { pkg: parts.slice(0, n).join('/'), sub: parts.slice(n).join('/') };
}

/** Where a lazy module goes, relative to the main bundle's folder. */
function lazyOutfile(spec) {
  const { sub } = splitSpec(spec);
  return `node_modules/${spec}${sub ? '.js' : '/index.js'}`;
}

/**
 * A package.json with an `exports` map for each package whose subpaths ship lazily. `import()` (what the
 * SDK's ES builds use) does not add `.js` to a bare subpath the way require() does; through `exports`,
 * both find the file.
 */
function lazyPackageJsons() {
  const byPkg = new Map();
  for (const spec of LAZY_MODULES) {
    const { pkg, sub } = splitSpec(spec);
    if (sub) byPkg.set(pkg, { ...byPkg.get(pkg), [`./${sub}`]: `./${sub}.js` });
  }
  return [...byPkg].map(([pkg, exports]) => ({ path: `node_modules/${pkg}/package.json`, json: JSON.stringify({ exports }) }));
}

/**
 * Packages' ES module builds before their CommonJS ones: the AWS SDK's CJS builds pull whole packages in
 * with require() (every protocol, CBOR and XML included), while its ES builds let esbuild drop what the
 * gateway never calls: about 120 KB of the Lambda bundle.
 */
const MAIN_FIELDS = ['module', 'main'];

/** The production esbuild flags of every deployable: one minified CJS file for Node 22 with an external map. */
const ESBUILD_FLAGS = ['--bundle', '--platform=node', '--target=node22', '--format=cjs', '--minify', '--sourcemap', '--sources-content=false', `--main-fields=${MAIN_FIELDS.join(',')}`, '--log-level=warning'];

/** Shell commands (run from the repository root) that bundle each lazy module into `outDir`. */
function lazyBundleCommands(esbuild, outDir) {
  return [
    ...LAZY_MODULES.map((spec) => `"${esbuild}" ${spec} ${ESBUILD_FLAGS.join(' ')} --outfile="${outDir}/${lazyOutfile(spec)}"`),
    // The JSON holds no single quotes, so it goes through the shell as one quoted word.
    ...lazyPackageJsons().map(({ path, json }) => `node -e "require('fs').writeFileSync(process.argv[1], process.argv[2])" "${outDir}/${path}" '${json}'`),
  ];
}

/** esbuild flags that leave the lazy modules out of the main bundle. */
const LAZY_EXTERNAL_FLAGS = LAZY_MODULES.map((spec) => `--external:${spec}`);

module.exports = { LAZY_MODULES, MAIN_FIELDS, lazyOutfile, ESBUILD_FLAGS, lazyBundleCommands, LAZY_EXTERNAL_FLAGS };
