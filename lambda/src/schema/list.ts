/**
 * An array schema that stops at its first invalid item. zod's own arrays check every item and gather every
 * issue: 60,000 wrong tool calls (well inside the JSON budget) make some 180,000 issues, each given a message,
 * and the enclosing object's `issues.push(...all)` then overflows the stack, a 500 instead of a 400. The
 * gateway reports only the first issue, so the rest is waste. Items are checked in order; the array's own
 * bounds (`shape`, e.g. `.min(1)`) are checked first.
 */
import * as z from 'zod';

type ArrayOfUnknown = z.ZodArray<z.ZodUnknown>;

/** `z.array(item)`, bounded by `shape`, that reports only the first invalid item's issues. */
export function list<T extends z.ZodType>(item: T, shape: (array: ArrayOfUnknown) => ArrayOfUnknown = (a) => a) {
  return shape(z.array(z.unknown())).transform((items, ctx) => {
    const out = new Array<z.output<T>>(items.length);
    for (let i = 0; i < items.length; i++) {
      const result = item.safeParse(items[i]);
      if (!result.success) {
        for (const issue of result.error.issues) ctx.addIssue({ ...issue, path: [i, ...issue.path] } as z.core.$ZodRawIssue);
        return z.NEVER;
      }
      out[i] = result.data;
    }
    return out;
  });
}
