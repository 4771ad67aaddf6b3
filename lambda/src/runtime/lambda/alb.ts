/**
 * Lambda entry for ALB target groups. The ALB buffers responses, so SSE bodies arrive all at once.
 * Dependencies are built at cold start without any network call; keys load on the first request.
 */
import { handle } from 'hono/aws-lambda';
import { createApp } from '../../app';
import { depsFromEnv } from '../deps';
import { writingUsageBeforeTheEnd } from './usage-writes';

const deps = depsFromEnv(process.env);
export const handler = handle(writingUsageBeforeTheEnd(createApp(deps), deps.managedKeys));
