/**
 * The emulator's image-generation and rerank models: exact bodies, Bedrock's validations, scripted content
 * filters, and pictures that are real PNG/JPEG files whose bytes follow from the request.
 */
import { inflateSync } from 'node:zlib';
import { InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { emulatorJpeg, emulatorPng, pictureKey } from '../../emulator';
import { useEmulator } from './helpers';

const ctx = useEmulator();
const NOVA = 'amazon.nova-canvas-v1:0';
const TITAN = 'amazon.titan-image-generator-v2:0';
const SD35 = 'stability.sd3-5-large-v1:0';

async function invoke(modelId: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await ctx.client('http/1.1').send(
    new InvokeModelCommand({ modelId, body: JSON.stringify(body), contentType: 'application/json', accept: 'application/json' }),
  );
  return JSON.parse(new TextDecoder().decode(res.body)) as Record<string, unknown>;
}

async function refusal(modelId: string, body: unknown): Promise<{ name: string; message: string }> {
  try {
    await invoke(modelId, body);
  } catch (err) {
    return { name: (err as Error).name, message: (err as Error).message };
  }
  throw new Error('the call was answered');
}

const textImage = (config: Record<string, unknown> = {}, params: Record<string, unknown> = {}) => ({
  taskType: 'TEXT_IMAGE',
  textToImageParams: { text: 'a red kite', ...params },
  imageGenerationConfig: config,
});

describe('pictures', () => {
  it('a PNG carries its size in IHDR and one colour that follows from the key', () => {
    const png = emulatorPng(pictureKey('kite', 1, 0), 48, 32);
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([48, 32]);
    const idatLength = png.readUInt32BE(33);
    const raw = inflateSync(png.subarray(41, 41 + idatLength));
    expect(raw.length).toBe(32 * (1 + 48 * 3));
    expect(emulatorPng(pictureKey('kite', 1, 0), 48, 32)).toEqual(png);
    expect(emulatorPng(pictureKey('kites', 1, 0), 48, 32)).not.toEqual(png);
  });

  it('a JPEG starts with SOI, ends with EOI and names its size in SOF0', () => {
    const jpeg = emulatorJpeg(pictureKey('kite', 1, 0), 40, 24);
    expect([jpeg[0], jpeg[1], jpeg[jpeg.length - 2], jpeg[jpeg.length - 1]]).toEqual([0xff, 0xd8, 0xff, 0xd9]);
    const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
    expect([jpeg.readUInt16BE(sof + 5), jpeg.readUInt16BE(sof + 7)]).toEqual([24, 40]);
    expect(emulatorJpeg(pictureKey('kites', 1, 0), 40, 24)).not.toEqual(jpeg);
  });
});

describe('Nova Canvas and Titan v2', () => {
  it.each([
    [NOVA, { width: 320, height: 640, numberOfImages: 2, seed: 7 }, 320, 640],
    [TITAN, { width: 1173, height: 640, numberOfImages: 1, seed: 7, quality: 'premium' }, 1173, 640],
  ])('%s answers {images} drawn from prompt, seed and image number', async (model, config, width, height) => {
    const body = await invoke(model, textImage(config));
    const count = (config as { numberOfImages: number }).numberOfImages;
    expect(body).toEqual({ images: Array.from({ length: count }, (_, i) => emulatorPng(pictureKey('a red kite', 7, i), width, height).toString('base64')) });
  });

  it.each([
    [NOVA, textImage({ width: 1000, height: 1024 }), /multiple of 16/],
    [NOVA, textImage({ width: 2048, height: 2048 }), /less than 4194304/],
    [NOVA, textImage({ width: 4096, height: 512 }), /1:4 to 4:1/],
    [NOVA, textImage({ width: 256, height: 256 }), /greater or equal to 320/],
    [NOVA, textImage({ numberOfImages: 6 }), /numberOfImages: 6 is not less or equal to 5/],
    [NOVA, textImage({}, { text: 'x'.repeat(1025) }), /maxLength: 1024/],
    [NOVA, textImage({}, { style: 'VIVID' }), /"VIVID" is not a valid enum value/],
    [NOVA, { ...textImage(), extra: 1 }, /extraneous key \[extra\]/],
    [TITAN, textImage({ width: 1024, height: 768 }), /not a supported image size/],
    [TITAN, textImage({}, { text: 'x'.repeat(513) }), /maxLength: 512/],
    [TITAN, textImage({}, { style: 'PHOTOREALISM' }), /extraneous key \[style\]/],
    [TITAN, textImage({ seed: 2_147_483_647 }), /seed/],
  ])('%s refuses %j', async (model, body, message) => {
    const err = await refusal(model, body);
    expect(err.name).toBe('ValidationException');
    expect(err.message).toMatch(message);
  });

  it('a scripted prompt filter is a ValidationException; a refused body keeps the script queued', async () => {
    ctx.emulator().enqueue({ contentFilter: 'prompt' }, { operations: ['invoke'] });
    await refusal(NOVA, textImage({ width: 100 }));
    const err = await refusal(NOVA, textImage());
    expect(err).toEqual({ name: 'ValidationException', message: expect.stringMatching(/blocked by our content filters/) });
  });

  it('a partial output block answers 200 with the images that passed and an error', async () => {
    ctx.emulator().enqueue({ contentFilter: { blockedImages: 1 } }, { operations: ['invoke'] });
    const body = await invoke(TITAN, textImage({ numberOfImages: 3, seed: 1, width: 512, height: 512 }));
    expect(body.images).toEqual([1, 2].map((i) => emulatorPng(pictureKey('a red kite', 1, i), 512, 512).toString('base64')));
    expect(body.error).toMatch(/blocked by our content filters/);
  });
});

describe('Stability', () => {
  it('answers {seeds, finish_reasons, images} in the asked format and aspect ratio', async () => {
    const body = await invoke(SD35, { prompt: 'a kite', aspect_ratio: '16:9', seed: 3, output_format: 'jpeg' });
    expect(body).toEqual({ seeds: [3], finish_reasons: [null], images: [emulatorJpeg(pictureKey('a kite', 3, 0), 1344, 768).toString('base64')] });
  });

  it.each([
    [{ prompt: 'a', aspect_ratio: '4:3' }, /"4:3" is not a valid enum value/],
    [{ prompt: 'a', output_format: 'webp' }, /"webp" is not a valid enum value/],
    [{ prompt: 'a', n: 2 }, /extraneous key \[n\]/],
    [{ prompt: '' }, /minLength: 1/],
  ])('refuses %j', async (body, message) => {
    expect((await refusal(SD35, body)).message).toMatch(message);
  });

  it.each([
    ['prompt', 'Filter reason: prompt'],
    ['output', 'Filter reason: output image'],
  ] as const)('a scripted %s filter is a 200 with its finish reason and no image', async (filter, reason) => {
    ctx.emulator().enqueue({ contentFilter: filter }, { operations: ['invoke'] });
    expect(await invoke('stability.stable-image-core-v1:1', { prompt: 'a' })).toEqual({ finish_reasons: [reason] });
  });
});

describe('rerank', () => {
  const documents = ['cats and dogs', 'the capital of France is Paris', 'Paris in spring', 'nothing here'];

  it('Cohere Rerank 3.5 needs api_version 2 and answers {id, results} by relevance, top_n honoured', async () => {
    const body = await invoke('cohere.rerank-v3-5:0', { query: 'capital of Paris', documents, top_n: 2, api_version: 2 });
    expect(body.results).toEqual([
      { index: 1, relevance_score: 1 },
      { index: 2, relevance_score: 1 / 3 },
    ]);
    expect(typeof body.id).toBe('string');
    expect((await refusal('cohere.rerank-v3-5:0', { query: 'q', documents })).message).toMatch(/required key \[api_version\]/);
  });

  it('Amazon Rerank answers {results} and refuses Cohere keys, empty and oversized lists', async () => {
    expect(await invoke('amazon.rerank-v1:0', { query: 'spring', documents })).toEqual({
      results: [
        { index: 2, relevance_score: 1 },
        { index: 0, relevance_score: 0 },
        { index: 1, relevance_score: 0 },
        { index: 3, relevance_score: 0 },
      ],
    });
    expect((await refusal('amazon.rerank-v1:0', { query: 'q', documents, api_version: 2 })).message).toMatch(/extraneous key \[api_version\]/);
    expect((await refusal('amazon.rerank-v1:0', { query: 'q', documents: [] })).message).toMatch(/minItems: 1/);
    expect((await refusal('amazon.rerank-v1:0', { query: 'q', documents: new Array(1001).fill('d') })).message).toMatch(/maxItems: 1000/);
  });
});
