/**
 * The runtime-agnostic Hono app. Runtime entries build `AppDeps` once and hand them in.
 */
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { requestId } from 'hono/request-id';
import type { AppDeps } from './deps';
import type { AppEnv } from './http/env';
import { GatewayError } from './http/errors';
import { apiKeyAuth, rootOnly } from './middleware/auth';
import { createKeyHandler, deleteKeyHandler, getKeyHandler, listKeysHandler, updateKeyHandler } from './routes/admin-keys';
import { usageHandler } from './routes/admin-usage';
import { bodyLimitFast } from './middleware/body-limit';
import { errorResponse, notFound, onError } from './middleware/errors';
import { telemetry } from './middleware/telemetry';
import { createRequestMetrics } from './metrics/request-metrics';
import { chatCompletionsHandler } from './routes/chat-completions';
import { responsesHandler } from './routes/responses';
import { deleteResponseHandler, listInputItemsHandler, retrieveResponseHandler } from './routes/stored-responses';
import { embeddingsHandler } from './routes/embeddings';
import { imagesHandler } from './routes/images';
import { rerankHandler } from './routes/rerank';
import { listModelsHandler, retrieveModelHandler } from './routes/models';

/** The longest client-sent `x-request-id` the gateway keeps as its own request id. */
export const MAX_CLIENT_REQUEST_ID = 64;

/** Routes that clients call under the configured prefix and, for OpenAI base-URL habits, under `/v1`. */
function apiRoutes(deps: AppDeps): Hono<AppEnv> {
  const api = new Hono<AppEnv>();
  api.use(apiKeyAuth(deps.keys, deps.managedKeys));
  api.use(
    bodyLimitFast(deps.config.maxBodyBytes, (c) =>
      errorResponse(c, new GatewayError(413, `The request body is larger than ${deps.config.maxBodyBytes} bytes.`, { code: 'request_too_large' })),
    ),
  );
  api.post('/chat/completions', chatCompletionsHandler(deps));
  api.post('/responses', responsesHandler(deps));
  api.get('/responses/:id', retrieveResponseHandler(deps));
  api.delete('/responses/:id', deleteResponseHandler(deps));
  api.get('/responses/:id/input_items', listInputItemsHandler(deps));
  api.post('/embeddings', embeddingsHandler(deps));
  api.use('/admin/*', rootOnly());
  api.post('/admin/keys', createKeyHandler(deps));
  api.get('/admin/keys', listKeysHandler(deps));
  api.get('/admin/keys/:id', getKeyHandler(deps));
  api.patch('/admin/keys/:id', updateKeyHandler(deps));
  api.delete('/admin/keys/:id', deleteKeyHandler(deps));
  api.get('/admin/usage', usageHandler(deps));
  api.post('/images/generations', imagesHandler(deps));
  api.post('/rerank', rerankHandler(deps));
  api.get('/models', listModelsHandler(deps));
  // Ids hold ':' and ARNs hold '/': the id is the rest of the path.
  api.get('/models/:id{.+}', retrieveModelHandler(deps));
  return api;
}

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // A client's id is kept only when it is a short token (a UUID fits); anything longer or with other
  // characters is replaced, so a client cannot write arbitrary text into every log line of its request.
  app.use(requestId({ headerName: 'x-request-id', limitLength: MAX_CLIENT_REQUEST_ID }));
  if (deps.config.allowedOrigins.length) {
    const origins = deps.config.allowedOrigins;
    app.use(cors({ origin: origins.includes('*') ? '*' : [...origins], exposeHeaders: [
          'x-request-id',
          'retry-after',
          'x-gateway-ignored-fields',
          'x-gateway-ignored-tools',
          'x-ratelimit-limit-requests',
          'x-ratelimit-remaining-requests',
          'x-ratelimit-limit-tokens',
          'x-ratelimit-remaining-tokens',
          'x-gateway-blocked-images',
        ], maxAge: 600 }));
  }
  app.get('/health', (c) => c.json({ status: 'ok' }));
  // After /health on purpose: load-balancer probes stay out of the access log and the metrics.
  app.use(
    telemetry({
      logger: deps.logger,
      logLevel: deps.config.logLevel,
      capturePrompts: deps.config.logPrompts,
      metrics: deps.config.metrics.enabled ? createRequestMetrics(deps.config.metrics.namespace) : undefined,
    }),
  );
  const api = apiRoutes(deps);
  for (const prefix of new Set([deps.config.routePrefix, '/v1'])) app.route(prefix, api);
  app.onError(onError(deps.logger));
  app.notFound(notFound);
  return app;
}
