/** Budget periods and usage days, in UTC. */
import type { BudgetPeriod } from '../store/types';

export const dayOf = (nowMs: number): string => new Date(nowMs).toISOString().slice(0, 10);

/** The first and last day (`YYYY-MM-DD`) of the period holding `nowMs`, and when the next one starts (unix ms). */
export function periodOf(period: BudgetPeriod, nowMs: number): { readonly from: string; readonly to: string; readonly endsAtMs: number } {
  const d = new Date(nowMs);
  if (period === 'day') {
    const from = dayOf(nowMs);
    return { from, to: from, endsAtMs: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1) };
  }
  const endsAtMs = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return { from: dayOf(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)), to: dayOf(endsAtMs - 1), endsAtMs };
}
