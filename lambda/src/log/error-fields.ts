/**
 * An unexpected error as a log field, its stack mapped to the TypeScript sources. The Lambda function runs
 * without `--enable-source-maps`: with it, Node reads the bundle's ~1 MB map and measures every line of the
 * bundle while importing it, 10-20 ms of every cold start for a trace most cold starts never print. Here the
 * first logged stack reads the map beside the bundled file and later ones reuse it. When Node maps traces
 * itself (the Fargate image sets the flag), or a file has no map (tsx, tests), a frame is left as it is.
 */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';

/** Each file's map, read on the first frame that needs it (null: none, or unreadable). */
const maps = new Map<string, SourceMap | null>();

function mapOf(file: string): SourceMap | null {
  let map = maps.get(file);
  if (map === undefined) {
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
    } catch {
      map = null;
    }
    maps.set(file, map);
  }
  return map;
}

/** A V8 frame's location: `at fn (/path/file.js:1:2)` or `at /path/file.js:1:2`. */
const FRAME = /(\(|at )(\/[^():]+\.[cm]?js):(\d+):(\d+)(\)?)$/gm;

/** `stack` with each frame in a mapped file pointing at its source (`lambda/src/app.ts:12:5`). */
export function sourceMappedStack(stack: string): string {
  if (process.sourceMapsEnabled) return stack;
  return stack.replace(FRAME, (frame: string, open: string, file: string, line: string, column: string, close: string) => {
    const origin = mapOf(file)?.findOrigin(Number(line), Number(column));
    if (!origin || !('fileName' in origin)) return frame;
    // Sources are relative to the map (`../../lambda/src/app.ts`); the repository path is what a reader wants.
    const source = origin.fileName.replace(/^(\.\.\/)+/, '');
    return `${open}${source}:${origin.lineNumber}:${origin.columnNumber}${close}`;
  });
}

/** What the log keeps of a thrown value: an error's name, message and mapped stack, or its text. */
export function errorForLog(err: unknown): { name: string; message: string; stack?: string } | string {
  if (!(err instanceof Error)) {
    try {
      return String(err);
    } catch {
      return typeof err; // an object without toString
    }
  }
  return { name: err.name, message: err.message, stack: typeof err.stack === 'string' ? sourceMappedStack(err.stack) : undefined };
}
