# syntax=docker/dockerfile:1
# The gateway's Node server (lambda/src/runtime/node/server.ts) for the Fargate target, built for linux/arm64 by
# `cdk deploy -c target=fargate`. Build: production dependencies + esbuild -> server.js and its lazy modules.
# Runtime: Node 22 and those files only, as the unprivileged "node" user.

ARG NODE_IMAGE=public.ecr.aws/docker/library/node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# Production dependencies only (the bundle's inputs), plus the lockfile's esbuild kept outside the tree so the
# dev toolchain (CDK, TypeScript, Jest) is never downloaded into the image build.
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm install --prefix /opt/esbuild --no-audit --no-fund \
      "esbuild@$(node -p "require('./package-lock.json').packages['node_modules/esbuild'].version")"
COPY tsconfig.json ./
COPY lambda/src ./lambda/src
COPY scripts/lazy-modules.cjs scripts/bundle-server.cjs ./scripts/
# server.js plus the lazily loaded modules as their own files under /out/node_modules (scripts/lazy-modules.cjs).
RUN node scripts/bundle-server.cjs /opt/esbuild/node_modules/.bin/esbuild /out

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps \
    PORT=8000
WORKDIR /app
COPY --from=build --chown=root:root /out/ ./
USER node
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "server.js"]
