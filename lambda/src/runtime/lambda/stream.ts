/**
 * Lambda entry for Function URLs with RESPONSE_STREAM: tokens stream to the client as they arrive.
 */
import { streamHandle } from 'hono/aws-lambda';
import { createApp } from '../../app';
import { depsFromEnv } from '../deps';

export const handler = streamHandle(createApp(depsFromEnv(process.env)));
