/**
 * Lambda entry for Function URLs with RESPONSE_STREAM: tokens stream to the client as they arrive.
 */
import { streamHandle } from 'hono/aws-lambda';
import { createApp } from '../../app';
import { depsFromEnv } from '../deps';
import { writingUsageBeforeTheEnd } from './usage-writes';

const deps = depsFromEnv(process.env);
export const handler = streamHandle(writingUsageBeforeTheEnd(createApp(deps), deps.managedKeys));
