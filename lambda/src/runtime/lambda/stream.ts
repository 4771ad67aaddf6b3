/**
 * Lambda entry for Function URLs with RESPONSE_STREAM: tokens stream to the client as they arrive.
 */
import { streamHandle } from 'hono/aws-lambda';
import { createApp } from '../../app';
import { loadConfig } from '../../config';
import { buildDeps } from '../deps';

export const handler = streamHandle(createApp(buildDeps(loadConfig(process.env))));
