/**
 * Images and documents in OpenAI content parts → Converse blocks. Pure: bytes in, blocks out.
 * Formats are taken from the bytes themselves where they can be, so a data URL that lies about its type is
 * caught here instead of upstream.
 */
import type { DocumentFormat, ImageFormat } from '@aws-sdk/client-bedrock-runtime';
import { invalidRequest } from '../errors/domain-error';
import { lookupTable } from '../lookup-table';

export interface DecodedMedia {
  readonly mimeType: string;
  readonly bytes: Uint8Array;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes `data:<mime>;base64,<data>`; returns undefined when `url` is not a data URL. */
export function decodeDataUrl(url: string, param: string): DecodedMedia | undefined {
  if (!url.startsWith('data:')) return undefined;
  const comma = url.indexOf(',');
  const header = comma > 0 ? url.slice(5, comma) : '';
  if (comma < 0 || !header.endsWith(';base64')) throw invalidRequest('Data URLs must be base64 encoded (data:<type>;base64,<data>).', param, 'invalid_data_url');
  return { mimeType: header.slice(0, -';base64'.length).toLowerCase(), bytes: decodeBase64(url.slice(comma + 1), param) };
}

export function decodeBase64(data: string, param: string): Uint8Array {
  const compact = data.replace(/\s+/g, '');
  if (compact.length === 0 || compact.length % 4 === 1 || !BASE64.test(compact)) {
    throw invalidRequest('The content is not valid base64.', param, 'invalid_base64');
  }
  return Buffer.from(compact, 'base64');
}

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  return signature.every((b, i) => bytes[offset + i] === b);
}

/** The image format from magic bytes; undefined when the bytes are none of the formats Converse takes. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47])) return 'png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x47, 0x49, 0x46, 0x38])) return 'gif';
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)) return 'webp';
  return undefined;
}

const IMAGE_MIME: Record<string, ImageFormat> = lookupTable({
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
});

export function imageFormat(media: DecodedMedia, param: string): ImageFormat {
  const declared = IMAGE_MIME[media.mimeType];
  if (!declared && media.mimeType !== '' && media.mimeType !== 'application/octet-stream') {
    throw invalidRequest(`Unsupported image type '${media.mimeType}'. Use png, jpeg, gif or webp.`, param, 'invalid_image_format');
  }
  const sniffed = sniffImageFormat(media.bytes);
  if (!sniffed) throw invalidRequest('The image data is not a png, jpeg, gif or webp image.', param, 'invalid_image');
  if (declared && declared !== sniffed) {
    throw invalidRequest(`The image is declared as ${media.mimeType} but its data is ${sniffed}.`, param, 'invalid_image_format');
  }
  return sniffed;
}

const DOC_BY_MIME: Record<string, DocumentFormat> = lookupTable({
  'application/pdf': 'pdf',
  'text/csv': 'csv',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'text/html': 'html',
  'text/plain': 'txt',
  'text/markdown': 'md',
});
const DOC_EXTENSIONS: ReadonlySet<string> = new Set(Object.values(DOC_BY_MIME));

export function documentFormat(mimeType: string, filename: string | undefined, bytes: Uint8Array, param: string): DocumentFormat {
  const fromMime = DOC_BY_MIME[mimeType];
  const ext = filename?.toLowerCase().split('.').pop();
  const fromName = ext && DOC_EXTENSIONS.has(ext) ? (ext as DocumentFormat) : undefined;
  const isPdf = startsWith(bytes, [0x25, 0x50, 0x44, 0x46]);
  const format = fromMime ?? fromName ?? (isPdf ? 'pdf' : undefined);
  if (!format) {
    throw invalidRequest('Unsupported document type. Converse accepts pdf, csv, doc, docx, xls, xlsx, html, txt and md.', param, 'invalid_file_format');
  }
  if (format === 'pdf' && !isPdf) throw invalidRequest('The file is declared as a PDF but its data is not a PDF.', param, 'invalid_file_format');
  return format;
}

/**
 * Converse document names allow letters, digits, single spaces, hyphens, parentheses and square brackets,
 * and must be unique within a request.
 */
export function documentName(filename: string | undefined, taken: Set<string>): string {
  // The base name only: a path in a client's filename says nothing the model needs.
  const stem = (filename ?? 'document').split(/[\\/]/).pop()?.replace(/\.[^.]*$/, '') ?? '';
  const base = stem.replace(/[^A-Za-z0-9\s\-()[\]]/g, '-').replace(/\s+/g, ' ').trim().slice(0, 200) || 'document';
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base} (${i})`;
  taken.add(name);
  return name;
}
