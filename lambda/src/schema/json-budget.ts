/**
 * The shape budget of a request body, checked on its text before `JSON.parse` builds anything: how deep it
 * nests, how many values it holds, how long one array is, how many keys one object (and the top level) has.
 * A 6 MB body of half a million keys or parts otherwise costs close to a gigabyte of objects (parse, schema,
 * translation) before any limit on the typed request can look at it. Pure: one pass over the characters,
 * strings skipped with `indexOf`, nothing allocated per value; malformed JSON is left to `JSON.parse`.
 */
import { invalidRequest, type FieldPath } from '../errors/domain-error';

export interface JsonBudget {
  /** Nesting of arrays and objects (the translators and the SDK recurse). */
  readonly maxDepth: number;
  /** Values of any kind in the whole body (objects, arrays, strings, numbers, literals). */
  readonly maxValues: number;
  /** Items in any one array. */
  readonly maxArrayItems: number;
  /** Keys in any one object. */
  readonly maxObjectKeys: number;
  /** Keys of the body itself. */
  readonly maxTopLevelKeys: number;
}

interface Frame {
  array: boolean;
  /** Items (arrays) or keys (objects) so far. */
  count: number;
  /** Where the current key's text starts and ends (objects), for naming the path in an error. */
  keyStart: number;
  keyEnd: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The index of the quote that closes the string opening at `open`, or -1. */
function stringEnd(text: string, open: number): number {
  let i = open;
  for (;;) {
    i = text.indexOf('"', i + 1);
    if (i < 0) return -1;
    let slashes = 0;
    for (let j = i - 1; text.charCodeAt(j) === BACKSLASH; j--) slashes++;
    if (slashes % 2 === 0) return i;
  }
}

function keyText(text: string, frame: Frame): string {
  const raw = text.slice(frame.keyStart, frame.keyEnd);
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

/** The path of the container on top of the stack (`depth` frames): each frame's current item or key. */
function pathOf(text: string, stack: readonly Frame[], depth: number): FieldPath {
  const path: Array<string | number> = [];
  for (let d = 0; d < depth - 1; d++) {
    const frame = stack[d];
    path.push(frame.array ? frame.count - 1 : keyText(text, frame));
  }
  return path;
}

/** A 400 about the container at `path` ("The request body" when it is the body itself). */
function refuse(path: FieldPath, what: string, code: string): never {
  if (path.length === 0) throw invalidRequest(`The request body ${what}`, null, code);
  throw invalidRequest((field) => `'${field}' ${what}`, path, code);
}

/** Throws a 400 naming the first place where `text` (a JSON document) exceeds `budget`. */
export function checkJsonBudget(text: string, budget: JsonBudget): void {
  const stack: Frame[] = [];
  let depth = 0;
  let values = 0;
  // True where a value may start: the beginning, after '[', ':' and an array's ','.
  let expectValue = true;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x20 || ch === 0x0a || ch === 0x0d || ch === 0x09) continue;
    const top = depth > 0 ? stack[depth - 1] : undefined;
    if (ch === 0x5d /* ] */ || ch === 0x7d /* } */) {
      if (depth > 0) depth--;
      expectValue = false;
      continue;
    }
    if (ch === 0x2c /* , */) {
      expectValue = top?.array ?? false;
      continue;
    }
    if (ch === 0x3a /* : */) {
      expectValue = true;
      continue;
    }
    if (ch === QUOTE && top && !top.array && !expectValue) {
      // A key: count it against the object's budget.
      const end = stringEnd(text, i);
      if (end < 0) return;
      top.keyStart = i + 1;
      top.keyEnd = end;
      top.count++;
      const max = depth === 1 ? budget.maxTopLevelKeys : budget.maxObjectKeys;
      if (top.count > max) refuse(pathOf(text, stack, depth), `has more than ${max} keys; this gateway accepts at most ${max}.`, 'too_many_keys');
      i = end;
      continue;
    }
    if (!expectValue) continue; // the rest of a number or literal
    // A value starts here.
    expectValue = false;
    if (++values > budget.maxValues) refuse([], `holds more than ${budget.maxValues} JSON values; this gateway accepts at most ${budget.maxValues}.`, 'too_many_values');
    if (top?.array && ++top.count > budget.maxArrayItems) {
      refuse(pathOf(text, stack, depth), `has more than ${budget.maxArrayItems} items; this gateway accepts at most ${budget.maxArrayItems}.`, 'too_many_items');
    }
    if (ch === QUOTE) {
      const end = stringEnd(text, i);
      if (end < 0) return;
      i = end;
    } else if (ch === 0x5b /* [ */ || ch === 0x7b /* { */) {
      if (depth >= budget.maxDepth) refuse([], `nests deeper than ${budget.maxDepth} levels.`, 'json_too_deep');
      const array = ch === 0x5b;
      const frame = stack[depth];
      if (frame) {
        frame.array = array;
        frame.count = 0;
      } else stack[depth] = { array, count: 0, keyStart: 0, keyEnd: 0 };
      depth++;
      expectValue = array;
    }
  }
}
