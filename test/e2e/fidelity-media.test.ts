/**
 * Images and documents end to end. This gateway runs with ALLOW_PRIVATE_URL_FETCH=true so it may fetch
 * from a local image server on 127.0.0.1; the refusals with the switch off are in fidelity-ssrf.test.ts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { startHarness, type Harness } from './harness';

const VISION = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]);
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x1a, 0, 0, 0]), Buffer.from('WEBPVP8L'), Buffer.alloc(14)]);

/** A minimal, well-formed one-page PDF with a correct cross-reference table. */
function tinyPdf(): Buffer {
  const objects = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>', '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 72 72] >>'];
  let body = '%PDF-1.4\n';
  const offsets = objects.map((obj, i) => {
    const at = body.length;
    body += `${i + 1} 0 obj\n${obj}\nendobj\n`;
    return at;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

let h: Harness;
let images: Server;
let imageBase: string;
const served: string[] = [];

beforeAll(async () => {
  // A small image limit, so a fetched image can exceed it (the test images are a few bytes).
  h = await startHarness({ ALLOW_PRIVATE_URL_FETCH: 'true', MAX_IMAGE_BYTES: '2048' });
  images = createServer((req, res) => {
    served.push(req.url ?? '');
    if (req.url === '/cat.png') res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
    else if (req.url === '/big.png') res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.concat([PNG, Buffer.alloc(4096)]));
    else if (req.url === '/moved') res.writeHead(302, { location: '/cat.png' }).end();
    else if (req.url === '/page.html') res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>');
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => images.listen(0, '127.0.0.1', resolve));
  imageBase = `http://127.0.0.1:${(images.address() as AddressInfo).port}`;
});
afterAll(async () => {
  images.closeAllConnections();
  await new Promise((resolve) => images.close(resolve));
  await h.close();
});
beforeEach(() => {
  h.emulator.reset();
  served.length = 0;
});

type Block = Record<string, { format?: string; name?: string; source?: { bytes?: string } }>;
const sentBlocks = () => ((h.emulator.lastRequest('converse')?.body as { messages: Array<{ content: Block[] }> }).messages[0].content);
const dataUrl = (type: string, bytes: Buffer) => `data:${type};base64,${bytes.toString('base64')}`;

describe('images', () => {
  it.each([
    ['png', 'image/png', PNG],
    ['jpeg', 'image/jpeg', JPEG],
    ['jpeg', 'image/jpg', JPEG],
    ['gif', 'image/gif', GIF],
    ['webp', 'image/webp', WEBP],
  ])('a %s data URL (%s) becomes an image block with the same bytes', async (format, type, bytes) => {
    await h.openai.chat.completions.create({
      model: VISION,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: dataUrl(type, bytes), detail: 'low' } }] }],
    });
    const [text, image] = sentBlocks();
    expect(text).toEqual({ text: 'What is this?' });
    expect(image.image?.format).toBe(format);
    expect(image.image?.source?.bytes).toBe(bytes.toString('base64'));
  });

  it('an http URL is fetched by the gateway (redirect included) and sent as bytes', async () => {
    await h.openai.chat.completions.create({ model: VISION, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `${imageBase}/moved` } }] }] });
    expect(served).toEqual(['/moved', '/cat.png']);
    expect(sentBlocks()[0].image).toEqual({ format: 'png', source: { bytes: PNG.toString('base64') } });
  });

  it('a URL that is not an image is a 400, and Bedrock is never called', async () => {
    const err = await h.openai.chat.completions.create({ model: VISION, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `${imageBase}/page.html` } }] }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).message).toMatch(/content type 'text\/html'/);
    expect(h.emulator.lastRequest('converse')).toBeUndefined();
  });

  it('an image sent to a model that cannot see is a 400 naming the model and the part', async () => {
    const model = 'us.meta.llama3-3-70b-instruct-v1:0';
    const err = await h.openai.chat.completions.create({ model, messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }, { type: 'image_url', image_url: { url: dataUrl('image/png', PNG) } }] }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).message).toContain(model);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('messages[0].content[1]');
  });
});

describe('documents', () => {
  it('a PDF file part becomes a document block with a sanitised name and the same bytes', async () => {
    const pdf = tinyPdf();
    await h.openai.chat.completions.create({
      model: VISION,
      messages: [{ role: 'user', content: [{ type: 'file', file: { filename: 'Quarterly report: Q3 (final).v2.pdf', file_data: dataUrl('application/pdf', pdf) } }, { type: 'text', text: 'Summarise.' }] }],
    });
    const [doc, text] = sentBlocks();
    expect(doc.document).toEqual({ format: 'pdf', name: 'Quarterly report- Q3 (final)-v2', source: { bytes: pdf.toString('base64') } });
    expect(text).toEqual({ text: 'Summarise.' });
  });

  it('other Converse document formats are accepted by type or file name', async () => {
    await h.openai.chat.completions.create({
      model: VISION,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'file', file: { filename: 'data.csv', file_data: Buffer.from('a,b\n1,2\n').toString('base64') } },
            { type: 'file', file: { filename: 'notes.md', file_data: dataUrl('text/markdown', Buffer.from('# Notes')) } },
            { type: 'text', text: 'Compare.' },
          ],
        },
      ],
    });
    expect(sentBlocks().slice(0, 2).map((b) => [b.document?.format, b.document?.name])).toEqual([
      ['csv', 'data'],
      ['md', 'notes'],
    ]);
  });

  it('a document sent to a model that cannot read documents is a 400 naming the model', async () => {
    const model = 'us.amazon.nova-micro-v1:0';
    const err = await h.openai.chat.completions.create({ model, messages: [{ role: 'user', content: [{ type: 'file', file: { filename: 'a.pdf', file_data: tinyPdf().toString('base64') } }] }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).message).toContain(model);
  });
});

describe('fetched images and the size limit', () => {
  it('refuses a fetched image over MAX_IMAGE_BYTES on both chat routes, before calling Bedrock', async () => {
    const chat = await h.openai.chat.completions
      .create({ model: VISION, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `${imageBase}/big.png` } }] }] })
      .catch((e: unknown) => e);
    expect(chat).toBeInstanceOf(OpenAI.BadRequestError);
    expect((chat as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('image_too_large');
    const responses = await h.openai.responses
      .create({ model: VISION, input: [{ role: 'user', content: [{ type: 'input_image', image_url: `${imageBase}/big.png`, detail: 'auto' }] }] })
      .catch((e: unknown) => e);
    expect(responses).toBeInstanceOf(OpenAI.BadRequestError);
    expect((responses as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('image_too_large');
    expect(served.filter((u) => u === '/big.png')).toHaveLength(2);
    expect(h.emulator.requests).toHaveLength(0);
  });
});
