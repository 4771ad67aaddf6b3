#!/usr/bin/env node
/**
 * Bundles the Node server (Fargate image) into OUT_DIR: server.js plus the lazily loaded modules.
 * Usage: node scripts/bundle-server.cjs <path to esbuild> <out dir>
 */
const { execFileSync, execSync } = require('node:child_process');
const { ESBUILD_FLAGS, LAZY_EXTERNAL_FLAGS, lazyBundleCommands } = require('./lazy-modules.cjs');

const [esbuild, outDir] = process.argv.slice(2);
if (!esbuild || !outDir) {
  console.error('usage: node scripts/bundle-server.cjs <esbuild> <out dir>');
  process.exit(2);
}
execFileSync(esbuild, ['lambda/src/runtime/node/server.ts', ...ESBUILD_FLAGS, ...LAZY_EXTERNAL_FLAGS, `--outfile=${outDir}/server.js`], { stdio: 'inherit' });
for (const command of lazyBundleCommands(esbuild, outDir)) execSync(command, { stdio: 'inherit' });
