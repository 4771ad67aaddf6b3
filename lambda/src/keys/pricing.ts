/**
 * The operator's price table (MODEL_PRICES): US dollars per million tokens by model pattern, for usage cost
 * and USD budgets. The gateway does not know AWS's prices; it only multiplies.
 */
import { globToRegExp } from '../models/resolver';
import type { UsageCounts } from '../store/types';

export interface ModelPrice {
  /** USD per million input tokens. */
  readonly input: number;
  readonly output: number;
  /** @default the input price */
  readonly cache_read?: number;
  /** @default the input price */
  readonly cache_write?: number;
}

export type PriceTable = ReadonlyArray<readonly [RegExp, ModelPrice]>;

export function priceTable(prices: Readonly<Record<string, ModelPrice>>): PriceTable {
  // Exact ids before patterns, then the order given.
  const entries = Object.entries(prices).sort(([a], [b]) => Number(a.includes('*')) - Number(b.includes('*')));
  return entries.map(([pattern, price]) => [globToRegExp(pattern), price] as const);
}

/** The price of the first entry naming any of the model's ids (the id called, its foundation model). */
export function priceOf(table: PriceTable, ids: readonly (string | undefined)[]): ModelPrice | undefined {
  for (const [re, price] of table) if (ids.some((id) => id !== undefined && re.test(id))) return price;
  return undefined;
}

/** Billionths of a dollar: tokens × USD per million × 1,000, rounded once per request. */
export function costNanoUsd(price: ModelPrice, u: Pick<UsageCounts, 'inputTokens' | 'outputTokens' | 'cacheReadTokens' | 'cacheWriteTokens'>): number {
  const usdPerMillion =
    u.inputTokens * price.input + u.outputTokens * price.output + u.cacheReadTokens * (price.cache_read ?? price.input) + u.cacheWriteTokens * (price.cache_write ?? price.input);
  return Math.round(usdPerMillion * 1_000);
}
