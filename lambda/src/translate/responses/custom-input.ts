/**
 * A custom tool's call reaches the gateway as JSON fragments of `{"input": "<escaped text>"}` (the model sees
 * a function with one string parameter); the client wants the raw text, as it streams. This decodes the
 * string value as far as the fragments so far make it certain, and settles the whole input at the end. Pure.
 */
import { lookupTable } from '../../lookup-table';

const OPENING = /^\s*\{\s*"input"\s*:\s*"/;
const ESCAPES: Readonly<Record<string, string>> = lookupTable({ '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' });

export class CustomInputDecoder {
  private raw = '';
  /** Where the next undecoded character of the string value is; -1 until the opening is seen. */
  private at = -1;
  private closed = false;
  /** The fragments do not start the way the decoder reads; the input is settled at the end only. */
  private unreadable = false;
  private decoded = '';

  /** Adds a fragment; returns the text it made certain ('' when none). */
  push(fragment: string): string {
    this.raw += fragment;
    if (this.closed || this.unreadable) return '';
    if (this.at < 0) {
      const opening = OPENING.exec(this.raw);
      if (!opening) {
        // Still a prefix of a possible opening: wait; otherwise give up streaming this one.
        if (!'{"input":"'.startsWith(this.raw.replace(/\s+/g, ''))) this.unreadable = true;
        return '';
      }
      this.at = opening[0].length;
    }
    let text = '';
    while (this.at < this.raw.length) {
      const c = this.raw[this.at];
      if (c === '"') {
        this.closed = true;
        break;
      }
      if (c !== '\\') {
        text += c;
        this.at += 1;
        continue;
      }
      const next = this.raw[this.at + 1];
      if (next === undefined) break;
      if (next === 'u') {
        const hex = this.raw.slice(this.at + 2, this.at + 6);
        if (hex.length < 4) break;
        text += String.fromCharCode(parseInt(hex, 16));
        this.at += 6;
      } else {
        text += ESCAPES[next] ?? next;
        this.at += 2;
      }
    }
    this.decoded += text;
    return text;
  }

  /** The whole input, and what of it `push` has not handed out yet. */
  finish(): { input: string; rest: string } {
    let input = this.decoded;
    try {
      const parsed: unknown = JSON.parse(this.raw);
      if (typeof parsed === 'string') input = parsed;
      else if (parsed && typeof parsed === 'object') {
        const value = (parsed as { input?: unknown }).input;
        input = typeof value === 'string' ? value : '';
      } else if (this.unreadable) input = this.raw;
    } catch {
      if (this.unreadable) input = this.raw;
    }
    return { input, rest: input.startsWith(this.decoded) ? input.slice(this.decoded.length) : '' };
  }
}
