/**
 * Tests run on the Node binary that npm scripts put first on PATH (node_modules/.bin/node, Node 22).
 * TypeScript is stripped by Babel (pure JavaScript, no native binary): type checking is `tsc --noEmit`.
 *
 * Two projects, both run by `npm test` (and so by CI): `build` holds the suites that bundle the handler with
 * esbuild and run the CDK CLI (most of the suite's time); `fast` holds everything else and is the inner loop
 * (`npm run test:fast`).
 */
const babel = {
  babelrc: false,
  configFile: false,
  presets: [['@babel/preset-typescript', { allowDeclareFields: true }]],
  plugins: ['@babel/plugin-transform-modules-commonjs'],
};

/** The suites of the `build` project, by file name under test/infra. */
const BUILD_SUITES = ['bundling', 'cli-synth'];

const project = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.(t|j|mj|cj)s$': ['babel-jest', babel] },
  transformIgnorePatterns: ['/node_modules/(?!(openai|@ai-sdk|ai|@langchain|p-retry|is-network-error)/)'],
};

module.exports = {
  projects: [
    {
      ...project,
      displayName: 'fast',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', `<rootDir>/test/infra/(${BUILD_SUITES.join('|')})\\.test\\.ts$`],
    },
    { ...project, displayName: 'build', testMatch: BUILD_SUITES.map((name) => `**/test/infra/${name}.test.ts`) },
  ],
  testTimeout: 30000,
  maxWorkers: 2,
  // Global options: one reporter for the whole run, so the closing "tests: ..." line covers both projects.
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
