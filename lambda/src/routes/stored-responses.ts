/**
 * The Responses API's state (issue 14), on the configured response store: what a new response starts from
 * (`previous_response_id`, `item_reference`), and the stored-response routes (`GET` / `DELETE
 * /responses/{id}`, `GET /responses/{id}/input_items`). Every read is the caller's own: another owner's
 * response is a 404, never its data.
 */
import type { Context } from 'hono';
import type { AppDeps } from '../deps';
import { DomainError, invalidRequest } from '../errors/domain-error';
import type { AppEnv } from '../http/env';
import type { ResponsesRequest } from '../schema/responses';
import { ROOT_OWNER, type ResponseStore } from '../store/types';
import { continuedInput, inputItems, itemsPage, type Item } from '../translate/responses/history';

/** At most this many `item_reference` items are looked up for one request. */
export const MAX_ITEM_REFERENCES = 256;

export const ownerOf = (c: Context<AppEnv>): string => c.get('owner') ?? ROOT_OWNER;

const responseNotFound = (id: string, path: string | null = null): DomainError =>
  new DomainError('not_found', `No response found with id '${id}'.`, path, 'response_not_found');

/**
 * The request's input with its item references resolved, after the stored conversation it continues, and
 * the model to answer with: the request's, or the stored response's when the request names none.
 */
export async function conversationOf(store: ResponseStore, owner: string, req: ResponsesRequest): Promise<{ items: Item[]; droppedReasoning: number; model: string }> {
  const items = inputItems(req.input);
  const refs = items.flatMap((item, i) => (item.type === 'item_reference' ? [i] : []));
  if (refs.length > MAX_ITEM_REFERENCES) {
    throw invalidRequest(`The input holds ${refs.length} item references; at most ${MAX_ITEM_REFERENCES} are resolved per request.`, 'input', 'too_many_item_references');
  }
  const [previous, resolved] = await Promise.all([
    req.previous_response_id ? store.get(owner, req.previous_response_id) : undefined,
    Promise.all(
      refs.map(async (i) => {
        const id = items[i].id;
        if (typeof id !== 'string' || id === '') throw invalidRequest('An item_reference needs the id of a stored item.', ['input', i, 'id'], 'invalid_value');
        const item = await store.getItem(owner, id);
        if (!item) throw new DomainError('not_found', `No stored item found with id '${id}'.`, ['input', i, 'id'], 'item_not_found');
        return item;
      }),
    ),
  ]);
  refs.forEach((at, n) => (items[at] = resolved[n]));
  if (!req.previous_response_id) return { items, droppedReasoning: 0, model: req.model };
  if (!previous) throw responseNotFound(req.previous_response_id, 'previous_response_id');
  const model = req.model || previous.model;
  return { ...continuedInput({ model: previous.model, inputItems: previous.inputItems, outputItems: previous.outputItems }, model, items), model };
}

function storeOf(deps: AppDeps, id: string): ResponseStore {
  // Without a store nothing was kept: every id is unknown.
  if (!deps.store) throw responseNotFound(id);
  return deps.store;
}

export function retrieveResponseHandler(deps: AppDeps) {
  return async function retrieveResponse(c: Context<AppEnv>): Promise<Response> {
    const id = c.req.param('id') ?? '';
    const stored = await storeOf(deps, id).get(ownerOf(c), id);
    if (!stored) throw responseNotFound(id);
    return c.json(stored.response);
  };
}

export function deleteResponseHandler(deps: AppDeps) {
  return async function deleteResponse(c: Context<AppEnv>): Promise<Response> {
    const id = c.req.param('id') ?? '';
    if (!(await storeOf(deps, id).delete(ownerOf(c), id))) throw responseNotFound(id);
    return c.json({ id, object: 'response', deleted: true });
  };
}

/** `limit` 1–100 (default 20) and `order` asc|desc (default desc), as OpenAI's list endpoints take them. */
function pageOptions(c: Context<AppEnv>): { after?: string; limit: number; order: 'asc' | 'desc' } {
  const { after, limit, order } = c.req.query();
  const n = limit === undefined ? 20 : Number(limit);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw invalidRequest('limit must be an integer from 1 to 100.', 'limit', 'invalid_value');
  if (order !== undefined && order !== 'asc' && order !== 'desc') throw invalidRequest("order must be 'asc' or 'desc'.", 'order', 'invalid_value');
  return { ...(after ? { after } : {}), limit: n, order: order ?? 'desc' };
}

export function listInputItemsHandler(deps: AppDeps) {
  return async function listInputItems(c: Context<AppEnv>): Promise<Response> {
    const id = c.req.param('id') ?? '';
    const options = pageOptions(c);
    const stored = await storeOf(deps, id).get(ownerOf(c), id);
    if (!stored) throw responseNotFound(id);
    return c.json(itemsPage(stored.inputItems as Item[], options));
  };
}
