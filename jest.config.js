/** Tests run on the Node binary that npm scripts put first on PATH (node_modules/.bin/node, Node 22). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(openai|@ai-sdk|ai|@langchain)/)'],
  testTimeout: 30000,
  maxWorkers: 2,
};
