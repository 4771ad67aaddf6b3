/**
 * Stored conversation state, as data: the items a continued response starts from, ids for input items that
 * came without one (so `item_reference` and `input_items` can name them), and the rule for signed reasoning
 * when a client switches models. Pure: the route loads and saves, this decides.
 */
import { responsesId } from './ids';
import { lookupTable } from '../../lookup-table';

export type Item = Record<string, unknown>;

/** What a continued response needs of the stored one. */
export interface PreviousTurn {
  /** The model name the stored response was asked for. */
  readonly model: string;
  readonly inputItems: readonly Item[];
  readonly outputItems: readonly Item[];
}

/** The request's `input` as a list of items (a string is one user message). */
export function inputItems(input: string | readonly Item[]): Item[] {
  return typeof input === 'string' ? [{ type: 'message', role: 'user', content: input }] : [...input];
}

/**
 * The input of a response that continues `previous`: its input, then its output, then the new input.
 * Signed reasoning (`encrypted_content`) only verifies on the model family that produced it, so a client
 * that switches models gets the earlier turns without their reasoning items; everything else carries over.
 */
export function continuedInput(previous: PreviousTurn, model: string, input: readonly Item[]): { items: Item[]; droppedReasoning: number } {
  const history = [...previous.inputItems, ...previous.outputItems];
  if (previous.model === model) return { items: [...history, ...input], droppedReasoning: 0 };
  const kept = history.filter((item) => item.type !== 'reasoning');
  return { items: [...kept, ...input], droppedReasoning: history.length - kept.length };
}

const ID_PREFIX: Readonly<Record<string, string>> = lookupTable({
  message: 'msg',
  function_call: 'fc',
  function_call_output: 'fco',
  custom_tool_call: 'ctc',
  custom_tool_call_output: 'ctco',
  reasoning: 'rs',
  tool_search_call: 'tsc',
  tool_search_output: 'tso',
});

/** Input items as stored: each with an `id` (OpenAI gives input items ids too), easy messages typed. */
export function withIds(items: readonly Item[]): Item[] {
  return items.map((item) => {
    const type = typeof item.type === 'string' ? item.type : 'message';
    const typed = item.type === undefined && 'role' in item ? { type: 'message', ...item } : item;
    return typeof item.id === 'string' && item.id !== '' ? typed : { ...typed, id: responsesId(ID_PREFIX[type] ?? 'item') };
  });
}

/** One page of a response's input items, OpenAI's list shape (`after`, `limit`, `order`). */
export function itemsPage(items: readonly Item[], options: { after?: string; limit: number; order: 'asc' | 'desc' }): {
  object: 'list';
  data: Item[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
} {
  const ordered = options.order === 'asc' ? [...items] : [...items].reverse();
  const start = options.after === undefined ? 0 : ordered.findIndex((item) => item.id === options.after) + 1;
  const data = start > 0 || options.after === undefined ? ordered.slice(start, start + options.limit) : [];
  return {
    object: 'list',
    data,
    first_id: (data[0]?.id as string | undefined) ?? null,
    last_id: (data[data.length - 1]?.id as string | undefined) ?? null,
    has_more: start + data.length < ordered.length && data.length > 0,
  };
}
