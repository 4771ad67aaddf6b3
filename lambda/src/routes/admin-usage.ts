/**
 * `GET /admin/usage?key_id=…&from=…&to=…&group_by=model|day`: managed keys' usage, from Bedrock's own token
 * counts, summed per key and model (default), per key and day, or both (`group_by=model,day`). Days are UTC;
 * `from` and `to` are dates (`2026-12-01`) or unix seconds, inclusive; the default is this month so far.
 */
import type { Context } from 'hono';
import type { AppDeps } from '../deps';
import { invalidRequest } from '../errors/domain-error';
import type { AppEnv } from '../http/env';
import { GatewayError } from '../http/errors';
import { dayOf, periodOf } from '../keys/periods';
import { addCounts, totalTokens, ZERO_USAGE } from '../store/key-records';
import type { UsageCounts, UsageRow } from '../store/types';
import { managedKeysOrOff } from './admin-keys';

/** Longest range one call reads. */
export const MAX_USAGE_DAYS = 366;

function dayParam(value: string | undefined, param: 'from' | 'to', fallback: string): string {
  if (value === undefined || value === '') return fallback;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && dayOf(Date.parse(`${value}T00:00:00Z`)) === value) return value;
  if (/^\d{1,12}$/.test(value)) return dayOf(Number(value) * 1000);
  // A full ISO 8601 time counts for its UTC day.
  if (/^\d{4}-\d{2}-\d{2}T/.test(value) && Number.isFinite(Date.parse(value))) return dayOf(Date.parse(value));
  throw invalidRequest(`Invalid value for '${param}': expected a date (YYYY-MM-DD), an ISO 8601 time or unix seconds.`, param, 'invalid_value');
}

function groupingOf(value: string | undefined): { model: boolean; day: boolean } {
  const parts = new Set((value ?? 'model').split(',').map((s) => s.trim()));
  const known = [...parts].every((p) => p === 'model' || p === 'day');
  if (!known || parts.size === 0) throw invalidRequest("Invalid value for 'group_by': expected model, day or model,day.", 'group_by', 'invalid_value');
  return { model: parts.has('model'), day: parts.has('day') };
}

export function usageHandler(deps: AppDeps) {
  return async function usage(c: Context<AppEnv>): Promise<Response> {
    const managed = managedKeysOrOff(deps);
    const now = Date.now();
    const from = dayParam(c.req.query('from'), 'from', periodOf('month', now).from);
    const to = dayParam(c.req.query('to'), 'to', dayOf(now));
    if (to < from) throw invalidRequest("'to' is before 'from'.", 'to', 'invalid_value');
    if ((Date.parse(to) - Date.parse(from)) / 86_400_000 + 1 > MAX_USAGE_DAYS) {
      throw invalidRequest(`A usage report covers at most ${MAX_USAGE_DAYS} days.`, 'from', 'invalid_value');
    }
    const group = groupingOf(c.req.query('group_by'));
    const keyId = c.req.query('key_id');
    // What this process recorded and has not written yet belongs in the report.
    await managed.flush();
    const keys = await managed.store.listKeys();
    const names = new Map(keys.map((k) => [k.id, k.name]));
    if (keyId !== undefined && !names.has(keyId)) throw new GatewayError(404, `No API key with id '${keyId}'.`, { param: 'key_id', code: 'key_not_found' });
    const rows = await managed.store.readUsage(keyId !== undefined ? [keyId] : [...names.keys()], from, to);

    const groups = new Map<string, { keyId: string; model?: string; day?: string; counts: UsageCounts }>();
    for (const r of rows) {
      const k = [r.keyId, group.model ? r.model : '', group.day ? r.day : ''].join('\n');
      const g = groups.get(k) ?? { keyId: r.keyId, ...(group.model && { model: r.model }), ...(group.day && { day: r.day }), counts: ZERO_USAGE };
      g.counts = addCounts(g.counts, r as UsageRow);
      groups.set(k, g);
    }
    const data = [...groups.values()].map((g) => ({
      object: 'gateway.usage',
      key_id: g.keyId,
      key_name: names.get(g.keyId) ?? null,
      ...(g.model !== undefined && { model: g.model }),
      ...(g.day !== undefined && { date: g.day }),
      requests: g.counts.requests,
      input_tokens: g.counts.inputTokens,
      output_tokens: g.counts.outputTokens,
      cache_read_tokens: g.counts.cacheReadTokens,
      cache_write_tokens: g.counts.cacheWriteTokens,
      total_tokens: totalTokens(g.counts),
      ...(managed.hasPrices && { cost_usd: Math.round(g.counts.costNanoUsd) / 1e9, unpriced_requests: g.counts.unpricedRequests }),
    }));
    return c.json({ object: 'list', data, from, to, group_by: [group.model && 'model', group.day && 'day'].filter(Boolean).join(',') });
  };
}
