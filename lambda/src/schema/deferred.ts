/**
 * Request schemas built on first use rather than at import. Building them costs milliseconds of every
 * Lambda cold start, and a function that only serves chat never needs the Responses or Embeddings ones.
 */
import type * as z from 'zod';

/** What the request parsers need of a schema; a zod schema is one too. */
export interface Parser<Out> {
  parse(value: unknown): Out;
  safeParse(value: unknown): z.ZodSafeParseResult<Out>;
}

/** Runs `build` once, on the first call, and returns its result from then on. */
export function once<T>(build: () => T): () => T {
  let value: T | undefined;
  let built = false;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value as T;
  };
}

/** A parser whose schema is built by `build` the first time it parses. */
export function deferred<T extends z.ZodType>(build: () => T): Parser<z.output<T>> {
  const schema = once(build);
  return {
    parse: (value) => schema().parse(value),
    safeParse: (value) => schema().safeParse(value),
  };
}

/** A membership test over keys listed the first time it is asked. */
export function keySet(list: () => readonly string[]): (key: string) => boolean {
  const set = once(() => new Set(list()));
  return (key) => set().has(key);
}
