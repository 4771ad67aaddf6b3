/**
 * Request limits that Bedrock enforces anyway (or that only a pathological client exceeds), checked on the
 * validated request before translation: a refused request then costs no base64 decoding, no media fetch and
 * no upstream call. Pure: sizes come from the base64 length, nothing is decoded here.
 */
import type { RequestLimits } from '../config';
import { invalidRequest, type DomainError } from '../errors/domain-error';
import type { ChatRequest } from '../schema/chat';
import type { DecodedMedia } from './media';

const MIB = 1024 * 1024;

function tooLarge(message: string, param: string, code: string): DomainError {
  return invalidRequest(message, param, code);
}

const mib = (bytes: number): string => `${(bytes / MIB).toFixed(2).replace(/\.?0+$/, '')} MB`;

/** Decoded size of base64 text without decoding it (an upper bound when it holds whitespace). */
export function base64DecodedBytes(data: string): number {
  let padding = 0;
  for (let i = data.length - 1; i >= 0 && padding < 2 && data[i] === '='; i--) padding++;
  return Math.floor((data.length * 3) / 4) - padding;
}

/** The decoded size of a base64 data URL, or undefined for any other URL. */
function dataUrlBytes(url: string): number | undefined {
  if (!url.startsWith('data:')) return undefined;
  const comma = url.indexOf(',');
  return comma < 0 ? undefined : base64DecodedBytes(url.slice(comma + 1));
}

function checkSize(bytes: number | undefined, max: number, what: 'image' | 'document', param: string): void {
  if (bytes !== undefined && bytes > max) {
    throw tooLarge(`The ${what} is ${mib(bytes)}; Bedrock accepts at most ${mib(max)} per ${what}.`, param, `${what}_too_large`);
  }
}

/** Throws a 400 naming the first limit the request exceeds. */
export function checkChatLimits(req: ChatRequest, limits: RequestLimits): void {
  if (req.messages.length > limits.maxMessages) {
    throw tooLarge(`The request holds ${req.messages.length} messages; this gateway accepts at most ${limits.maxMessages}.`, 'messages', 'too_many_messages');
  }
  const tools = (req.tools?.length ?? 0) + (req.functions?.length ?? 0);
  if (tools > limits.maxTools) {
    throw tooLarge(`The request defines ${tools} tools; this gateway accepts at most ${limits.maxTools}.`, req.tools ? 'tools' : 'functions', 'too_many_tools');
  }
  let parts = 0;
  req.messages.forEach((m, i) => {
    if (!Array.isArray(m.content)) return;
    parts += m.content.length;
    if (parts > limits.maxContentParts) {
      throw tooLarge(`The request holds more than ${limits.maxContentParts} content parts in all messages together; this gateway accepts at most ${limits.maxContentParts}.`, `messages[${i}].content`, 'too_many_content_parts');
    }
  });
  let images = 0;
  let documents = 0;
  req.messages.forEach((m, i) => {
    if (m.role !== 'user' || typeof m.content === 'string') return;
    m.content.forEach((part, j) => {
      const param = `messages[${i}].content[${j}]`;
      if (part.type === 'image_url') {
        if (++images > limits.maxImages) throw tooLarge(`The request holds more than ${limits.maxImages} images, the most Bedrock accepts.`, param, 'too_many_images');
        const url = typeof part.image_url === 'string' ? part.image_url : part.image_url.url;
        checkSize(dataUrlBytes(url), limits.maxImageBytes, 'image', param);
      } else if (part.type === 'file') {
        if (++documents > limits.maxDocuments) throw tooLarge(`The request holds more than ${limits.maxDocuments} documents, the most Bedrock accepts.`, param, 'too_many_documents');
        const data = part.file.file_data;
        if (data !== undefined) checkSize(dataUrlBytes(data) ?? base64DecodedBytes(data), limits.maxDocumentBytes, 'document', param);
      }
    });
  });
}

/** Images fetched from http(s) URLs, held to the same per-image limit as data URLs. */
export function checkFetchedMedia(media: ReadonlyMap<string, DecodedMedia> | undefined, limits: RequestLimits): void {
  if (!media) return;
  for (const item of media.values()) checkSize(item.bytes.length, limits.maxImageBytes, 'image', 'messages');
}
