/**
 * Tests run on the Node binary that npm scripts put first on PATH (node_modules/.bin/node, Node 22).
 * TypeScript is stripped by Babel (pure JavaScript, no native binary): type checking is `tsc --noEmit`.
 */
const babel = {
  babelrc: false,
  configFile: false,
  presets: [['@babel/preset-typescript', { allowDeclareFields: true }]],
  plugins: ['@babel/plugin-transform-modules-commonjs'],
};

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j|mj|cj)s$': ['babel-jest', babel] },
  transformIgnorePatterns: ['/node_modules/(?!(openai|@ai-sdk|ai|@langchain|p-retry|is-network-error)/)'],
  testTimeout: 30000,
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
