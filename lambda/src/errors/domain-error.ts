/**
 * The errors the gateway's pure parts raise: request parsing, translation, model resolution, media. They
 * say what went wrong and where (a field path in the request the translator was given), never how it is
 * sent: the HTTP boundary (`http/render-error.ts`) turns them into OpenAI errors once, naming the field as
 * the caller's API names it (the Responses route maps chat paths back to its own fields).
 */

/** A field's place in a request, as the code that raised the error saw it: `['messages', 2, 'content', 0]`. */
export type FieldPath = readonly (string | number)[];

/** Maps a path in the translated request to the path the client sent; the identity on the chat route. */
export type FieldNames = (path: FieldPath) => FieldPath;

/**
 * What kind of failure, in the gateway's own terms. The boundary picks the status and OpenAI type:
 * `invalid_request` 400, `forbidden` 403, `not_found` 404, `unavailable` 503, `upstream_invalid` 502; a managed
 * key over its limits: `requests_limited` / `tokens_limited` (429 `rate_limit_exceeded`) and `quota_exceeded`
 * (429 `insufficient_quota`), OpenAI's own codes and types for them.
 */
export type DomainErrorKind =
  | 'invalid_request'
  | 'forbidden'
  | 'not_found'
  | 'unavailable'
  | 'upstream_invalid'
  | 'requests_limited'
  | 'tokens_limited'
  | 'quota_exceeded';

/** The message, or a function of the field's name for messages that quote it. */
export type DomainMessage = string | ((field: string) => string);

/** `['messages', 0, 'content']` → `messages[0].content`, the way OpenAI names params. */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out ? `.${key}` : key;
  return out;
}

/** `messages[0].content` → `['messages', 0, 'content']` (the inverse of `formatPath`). */
export function parsePath(param: string): FieldPath {
  const path: Array<string | number> = [];
  for (const match of param.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) path.push(match[2] !== undefined ? Number(match[2]) : match[1]);
  return path;
}

export class DomainError extends Error {
  readonly kind: DomainErrorKind;
  /** The offending field, when there is one. */
  readonly path: FieldPath | null;
  readonly code: string | null;
  /** When trying again soon may succeed (a dependency is briefly unavailable): how long to wait. */
  readonly retryAfterSeconds?: number;
  private readonly template: DomainMessage;

  constructor(kind: DomainErrorKind, message: DomainMessage, path: FieldPath | string | null = null, code: string | null = null, retryAfterSeconds?: number) {
    const at = typeof path === 'string' ? parsePath(path) : path;
    super(typeof message === 'function' ? message(at ? formatPath(at) : '') : message);
    this.name = 'DomainError';
    this.kind = kind;
    this.path = at;
    this.code = code;
    this.template = message;
    if (retryAfterSeconds !== undefined) this.retryAfterSeconds = retryAfterSeconds;
  }

  /** The field as the raising code named it (`messages[2].content`), or null. */
  get param(): string | null {
    return this.path ? formatPath(this.path) : null;
  }

  /** The message, quoting `field` where it names the offending field. */
  describe(field: string): string {
    return typeof this.template === 'function' ? this.template(field) : this.template;
  }
}

/** A 400-kind error naming the offending field. */
export function invalidRequest(message: DomainMessage, path: FieldPath | string | null = null, code: string | null = null): DomainError {
  return new DomainError('invalid_request', message, path, code);
}
