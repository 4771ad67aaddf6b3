/**
 * Image generation end to end: openai SDK → gateway → real InvokeModel client → emulator. The emulator's
 * pictures follow from (prompt, seed, image number), so every check compares exact bytes: what the client
 * receives is what Bedrock sent.
 */
import OpenAI from 'openai';
import { emulatorJpeg, emulatorPng, pictureKey } from '../../emulator';
import { expectOpenAIError } from '../support/openai-error';
import { TEST_KEY, useHarness } from './harness';

const NOVA = 'amazon.nova-canvas-v1:0';
const TITAN = 'amazon.titan-image-generator-v2:0';
const SD35 = 'stability.sd3-5-large-v1:0';
const ULTRA = 'stability.stable-image-ultra-v1:1';

const h = useHarness({ DEFAULT_IMAGE_MODEL: NOVA, ALIAS_GPT_TO_DEFAULT: 'true' });

const invokes = () => h.emulator.requests.filter((r) => r.operation === 'invoke');
const png = (prompt: string, seed: number, i: number, w: number, h2: number) => emulatorPng(pictureKey(prompt, seed, i), w, h2).toString('base64');

async function generate(json: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await h.fetch('/api/v1/images/generations', { method: 'POST', json });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

describe('the openai SDK', () => {
  it('default call: images.generate({prompt}) gets one 1024x1024 PNG from the default image model', async () => {
    const res = await h.openai.images.generate({ prompt: 'a lighthouse' });
    expect(res.data).toHaveLength(1);
    const picture = Buffer.from(res.data?.[0].b64_json ?? '', 'base64');
    expect(picture.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect([picture.readUInt32BE(16), picture.readUInt32BE(20)]).toEqual([1024, 1024]);
    expect(typeof res.created).toBe('number');
    expect(invokes()).toHaveLength(1);
    expect(invokes()[0].modelId).toBe(NOVA);
    expect(invokes()[0].body).toEqual({
      taskType: 'TEXT_IMAGE',
      textToImageParams: { text: 'a lighthouse' },
      imageGenerationConfig: { numberOfImages: 1, width: 1024, height: 1024, quality: 'standard' },
    });
  });

  it('with a seed, the picture is exactly the one Bedrock drew', async () => {
    const res = await h.openai.images.generate({ prompt: 'a lighthouse', seed: 5 } as OpenAI.ImageGenerateParamsNonStreaming);
    expect(res.data).toEqual([{ b64_json: png('a lighthouse', 5, 0, 1024, 1024) }]);
  });

  it('a DALL-E name maps to the default image model with ALIAS_GPT_TO_DEFAULT', async () => {
    await h.openai.images.generate({ model: 'dall-e-3', prompt: 'x' });
    expect(invokes()[0].modelId).toBe(NOVA);
  });

  it.each([
    [NOVA, '1536x1024', 1536, 1024],
    [TITAN, '1152x768', 1152, 768],
  ])('%s: n, size, quality hd and b64_json go through as numberOfImages, width/height and premium', async (model, size, width, height) => {
    const res = await h.openai.images.generate({ model, prompt: 'two kites', n: 3, size, quality: 'hd', response_format: 'b64_json', seed: 9 } as OpenAI.ImageGenerateParamsNonStreaming);
    expect(res.data?.map((d) => d.b64_json)).toEqual([0, 1, 2].map((i) => png('two kites', 9, i, width, height)));
    expect(invokes()).toHaveLength(1);
    expect(invokes()[0].body).toMatchObject({ imageGenerationConfig: { numberOfImages: 3, width, height, quality: 'premium', seed: 9 } });
  });

  it('Stability: n pictures are n parallel calls with seeds seed+i, size the nearest aspect ratio, JPEG when asked', async () => {
    const res = await h.openai.images.generate({ model: SD35, prompt: 'a fox', n: 2, size: '1792x1024', output_format: 'jpeg', seed: 40 } as OpenAI.ImageGenerateParamsNonStreaming);
    expect(res.data?.map((d) => d.b64_json)).toEqual([40, 41].map((seed) => emulatorJpeg(pictureKey('a fox', seed, 0), 1344, 768).toString('base64')));
    const bodies = invokes().map((r) => r.body as Record<string, unknown>).sort((a, b) => (a.seed as number) - (b.seed as number));
    expect(bodies).toEqual([40, 41].map((seed) => ({ prompt: 'a fox', aspect_ratio: '16:9', output_format: 'jpeg', seed })));
  });

  it('Stability default call: one PNG at 1:1', async () => {
    const res = await h.openai.images.generate({ model: ULTRA, prompt: 'a fox' });
    expect(res.data).toEqual([{ b64_json: png('a fox', 0, 0, 1024, 1024) }]);
    expect(invokes()[0].body).toEqual({ prompt: 'a fox', aspect_ratio: '1:1', output_format: 'png' });
  });
});

describe('Open WebUI image generation (its request, as its backend sends it)', () => {
  it('POST <url>/images/generations with b64_json at its default 512x512', async () => {
    const res = await fetch(`${h.baseURL}/images/generations`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TEST_KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ model: NOVA, prompt: 'a cat in a hat', n: 1, size: '512x512', response_format: 'b64_json' }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: Array<{ b64_json: string }> };
    const seed = (invokes()[0].body as { imageGenerationConfig: { seed?: number } }).imageGenerationConfig.seed;
    expect(seed).toBeUndefined();
    expect(Buffer.from(body.data[0].b64_json, 'base64').subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(invokes()[0].body).toMatchObject({ imageGenerationConfig: { width: 512, height: 512, numberOfImages: 1 } });
  });
});

describe('extras', () => {
  it.each([
    [NOVA, { negative_prompt: 'rain', cfg_scale: 7.5, style: 'PHOTOREALISM' }, { textToImageParams: { negativeText: 'rain', style: 'PHOTOREALISM' }, imageGenerationConfig: { cfgScale: 7.5 } }],
    [TITAN, { extra_body: { negative_prompt: 'rain', seed: 3 } }, { textToImageParams: { negativeText: 'rain' }, imageGenerationConfig: { seed: 3 } }],
    [SD35, { negative_prompt: 'rain' }, { negative_prompt: 'rain' }],
  ])('%s sends %j as %j', async (model, extras, upstream) => {
    const { status } = await generate({ model, prompt: 'a lake', ...extras });
    expect(status).toBe(200);
    expect(invokes()[0].body).toMatchObject(upstream);
  });

  it('unknown top-level fields are left out and named in x-gateway-ignored-fields', async () => {
    const { status, headers } = await generate({ model: NOVA, prompt: 'a lake', client_tag: 'x' });
    expect(status).toBe(200);
    expect(headers.get('x-gateway-ignored-fields')).toBe('client_tag');
    expect(JSON.stringify(invokes()[0].body)).not.toContain('client_tag');
  });
});

describe('every rule violation is a 400 naming the parameter, before any Bedrock call', () => {
  it.each([
    ['url response_format', { model: NOVA, response_format: 'url' }, 'response_format'],
    ['streaming', { model: NOVA, stream: true }, 'stream'],
    ['a transparent background', { model: NOVA, background: 'transparent' }, 'background'],
    ['output_compression', { model: NOVA, output_compression: 50 }, 'output_compression'],
    ['no prompt', { model: NOVA, prompt: undefined }, 'prompt'],
    ['Nova: prompt over 1024 characters', { model: NOVA, prompt: 'x'.repeat(1025) }, 'prompt'],
    ['Titan: prompt over 512 characters', { model: TITAN, prompt: 'x'.repeat(513) }, 'prompt'],
    ['Nova: n above 5', { model: NOVA, n: 6 }, 'n'],
    ['Stability: n above 4', { model: SD35, n: 5 }, 'n'],
    ['n above 10', { model: NOVA, n: 11 }, 'n'],
    ['a size that is not WxH', { model: NOVA, size: 'large' }, 'size'],
    ['Nova: a side not a multiple of 16', { model: NOVA, size: '1000x1000' }, 'size'],
    ['Nova: a side under 320', { model: NOVA, size: '256x256' }, 'size'],
    ['Nova: an aspect ratio beyond 4:1', { model: NOVA, size: '2048x480' }, 'size'],
    ['Nova: 4.19 megapixels or more', { model: NOVA, size: '2048x2048' }, 'size'],
    ['Titan: a size off its list', { model: TITAN, size: '1792x1024' }, 'size'],
    ['Nova: jpeg output', { model: NOVA, output_format: 'jpeg' }, 'output_format'],
    ['Stability: webp output', { model: SD35, output_format: 'webp' }, 'output_format'],
    ['Stability: quality hd', { model: SD35, quality: 'hd' }, 'quality'],
    ['Nova: an OpenAI style', { model: NOVA, style: 'vivid' }, 'style'],
    ['Titan: any style', { model: TITAN, style: 'PHOTOREALISM' }, 'style'],
    ['Stability: cfg_scale', { model: SD35, cfg_scale: 5 }, 'cfg_scale'],
    ['Nova: cfg_scale out of range', { model: NOVA, cfg_scale: 11 }, 'cfg_scale'],
    ['Nova: seed out of range', { model: NOVA, seed: 858_993_460 }, 'seed'],
    ['an empty negative prompt', { model: NOVA, negative_prompt: '' }, 'negative_prompt'],
    ['a chat model', { model: 'amazon.nova-lite-v1:0' }, 'model'],
    ['an image model without a translator', { model: 'amazon.titan-image-generator-v1' }, 'model'],
  ])('%s', async (_, fields, param) => {
    const { status, body } = await generate({ prompt: 'a lake', ...fields });
    expect(status).toBe(400);
    expectOpenAIError(body, { type: 'invalid_request_error', param });
    expect(invokes()).toHaveLength(0);
  });
});

describe('content filters', () => {
  const filtered = (filter: 'prompt' | 'output' | { blockedImages: number }, times = 1) =>
    h.emulator.enqueue({ contentFilter: filter }, { operations: ['invoke'], times });

  it.each([NOVA, TITAN, SD35])('%s: a blocked prompt is a 400 content_policy_violation', async (model) => {
    filtered('prompt');
    const { status, body } = await generate({ model, prompt: 'something blocked' });
    expect(status).toBe(400);
    expectOpenAIError(body, { type: 'invalid_request_error', code: 'content_policy_violation', param: 'prompt' });
  });

  it.each([NOVA, TITAN])('%s: every picture blocked (200 with an error) is a 400 content_policy_violation', async (model) => {
    filtered('output');
    const { status, body } = await generate({ model, prompt: 'x', n: 2 });
    expect(status).toBe(400);
    expectOpenAIError(body, { code: 'content_policy_violation', param: null });
  });

  it('Stability: the only picture blocked is a 400 content_policy_violation', async () => {
    filtered('output');
    const { status, body } = await generate({ model: SD35, prompt: 'x' });
    expect(status).toBe(400);
    expectOpenAIError(body, { code: 'content_policy_violation' });
  });

  it('Nova: a partial block returns the pictures that passed and says how many were withheld', async () => {
    filtered({ blockedImages: 2 });
    const { status, body, headers } = await generate({ model: NOVA, prompt: 'x', n: 3, seed: 1 });
    expect(status).toBe(200);
    expect(body.data).toEqual([{ b64_json: png('x', 1, 2, 1024, 1024) }]);
    expect(headers.get('x-gateway-blocked-images')).toBe('2');
  });

  it('Stability: one of two calls blocked returns the other picture and says so', async () => {
    filtered('output');
    const { status, body, headers } = await generate({ model: SD35, prompt: 'x', n: 2, seed: 1 });
    expect(status).toBe(200);
    const both = [1, 2].map((seed) => png('x', seed, 0, 1024, 1024));
    expect(body.data).toEqual([{ b64_json: expect.any(String) }]);
    expect(both).toContain((body.data as Array<{ b64_json: string }>)[0].b64_json);
    expect(headers.get('x-gateway-blocked-images')).toBe('1');
  });
});

describe('upstream faults', () => {
  it.each([
    ['no images', { images: 'nope' }, NOVA],
    ['fewer images than asked, with no filter reason', { images: [] }, TITAN],
    ['an error that is not a content filter', { images: [], error: 'Something else' }, NOVA],
    ['an inference error', { finish_reasons: ['Inference error'] }, SD35],
    ['no finish reasons', { images: ['aGk='] }, SD35],
  ])('%s is a 502', async (_, invokeBody, model) => {
    h.emulator.enqueue({ invokeBody }, { operations: ['invoke'] });
    const { status, body } = await generate({ model, prompt: 'x' });
    expect(status).toBe(502);
    expectOpenAIError(body, { type: 'api_error' });
  });

  it('throttling is a 429 with Retry-After', async () => {
    h.emulator.enqueue({ error: { type: 'ThrottlingException', message: 'slow down' } }, { operations: ['invoke'] });
    const { status, headers } = await generate({ model: NOVA, prompt: 'x' });
    expect(status).toBe(429);
    expect(headers.get('retry-after')).not.toBeNull();
  });
});

describe('/models', () => {
  it('lists the image models the gateway can draw with and the rerank models, each saying what it is for', async () => {
    const res = await h.openai.models.list();
    const modes = Object.fromEntries(res.data.map((m) => [m.id, (m as { mode?: string }).mode]));
    for (const id of [NOVA, TITAN, SD35, ULTRA, 'stability.stable-image-core-v1:1']) expect(modes[id]).toBe('image_generation');
    for (const id of ['cohere.rerank-v3-5:0', 'amazon.rerank-v1:0']) expect(modes[id]).toBe('rerank');
    expect(modes['amazon.nova-lite-v1:0']).toBeUndefined();
    expect(Object.keys(modes)).toContain('amazon.nova-lite-v1:0');
  });
});
