import { deflateSync } from 'node:zlib';

/**
 * The emulator's generated pictures: a solid colour picked from a hash of what the request asked for
 * (prompt, seed, image number), in a real PNG or baseline JPEG of the requested size. A test can rebuild
 * the exact bytes with these functions and so prove that the gateway passed them through untouched.
 */

export function pictureKey(prompt: string, seed: number, index: number): string {
  return `${prompt}\u0000${seed}\u0000${index}`;
}

function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** An RGB PNG of `width`×`height`, one colour taken from the key. */
export function emulatorPng(key: string, width: number, height: number): Buffer {
  const h = hash32(key);
  const rgb = [(h >>> 16) & 0xff, (h >>> 8) & 0xff, h & 0xff];
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x += 1) row.set(rgb, 1 + x * 3);
  const raw = Buffer.alloc(row.length * height);
  for (let y = 0; y < height; y += 1) row.copy(raw, y * row.length);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, truecolour, deflate, no filter method, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Canonical Huffman codes from a JPEG BITS list (count of codes per length 1..16). */
function huffmanCodes(bits: readonly number[], symbols: readonly number[]): Map<number, { code: number; length: number }> {
  const out = new Map<number, { code: number; length: number }>();
  let code = 0;
  let k = 0;
  for (let length = 1; length <= 16; length += 1) {
    for (let i = 0; i < bits[length - 1]; i += 1) out.set(symbols[k++], { code: code++, length });
    code <<= 1;
  }
  return out;
}

const DC_BITS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
const DC_SYMBOLS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
/** The AC table holds one code: end of block. */
const AC_BITS = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

function segment(marker: number, data: number[] | Buffer): Buffer {
  const bytes = Buffer.from(data);
  return Buffer.concat([Buffer.from([0xff, marker, (bytes.length + 2) >> 8, (bytes.length + 2) & 0xff]), bytes]);
}

/** A baseline greyscale JPEG of `width`×`height`, one grey level taken from the key (named in a comment). */
export function emulatorJpeg(key: string, width: number, height: number): Buffer {
  const h = hash32(key);
  const level = h & 0xff;
  const dc = huffmanCodes(DC_BITS, DC_SYMBOLS);
  const out: number[] = [];
  let acc = 0;
  let used = 0;
  const put = (code: number, length: number): void => {
    for (let i = length - 1; i >= 0; i -= 1) {
      acc = (acc << 1) | ((code >> i) & 1);
      used += 1;
      if (used === 8) {
        out.push(acc);
        if (acc === 0xff) out.push(0); // byte stuffing
        acc = 0;
        used = 0;
      }
    }
  };
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  for (let b = 0; b < blocks; b += 1) {
    // A flat block's only coefficient is DC = 8 × (level − 128) with unit quantisation; later blocks differ by 0.
    const diff = b === 0 ? 8 * (level - 128) : 0;
    const size = diff === 0 ? 0 : Math.floor(Math.log2(Math.abs(diff))) + 1;
    const entry = dc.get(size)!;
    put(entry.code, entry.length);
    if (size > 0) put(diff > 0 ? diff : diff + (1 << size) - 1, size);
    put(0, 1); // end of block
  }
  if (used > 0) put((1 << (8 - used)) - 1, 8 - used);
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xfe, Buffer.from(`emulator ${h.toString(16)}`, 'ascii')),
    segment(0xdb, [0, ...new Array<number>(64).fill(1)]),
    segment(0xc0, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]),
    segment(0xc4, [0x00, ...DC_BITS, ...DC_SYMBOLS]),
    segment(0xc4, [0x10, ...AC_BITS, 0x00]),
    segment(0xda, [1, 1, 0x00, 0, 63, 0]),
    Buffer.from(out),
    Buffer.from([0xff, 0xd9]),
  ]);
}
