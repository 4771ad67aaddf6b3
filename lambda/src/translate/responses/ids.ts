import { randomBytes } from 'node:crypto';
import { unixSeconds } from '../ids';
import type { ResponseIds } from './types';

/** Responses-style ids: `resp_…`, `msg_…`, `rs_…`, `fc_…` followed by random hex. */
export function responsesId(prefix: string): string {
  return `${prefix}_${randomBytes(24).toString('hex')}`;
}

export function newResponseIds(now: number = Date.now()): ResponseIds {
  return { id: responsesId('resp'), createdAt: unixSeconds(now), itemId: responsesId };
}
