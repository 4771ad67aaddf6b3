import { IMAGE_MODEL_TABLE, imageRulesFor, type ImageModelRules } from '../../../lambda/src/models/capabilities';
import { checkImageOptions, isContentFilterRefusal, parseSize, splitCount } from '../../../lambda/src/translate/images/common';
import { IMAGE_FAMILIES } from '../../../lambda/src/translate/images/families';
import { toImagesResponse } from '../../../lambda/src/translate/images/response';
import { nearestAspectRatio } from '../../../lambda/src/translate/images/stability';
import type { ImageOptions } from '../../../lambda/src/translate/images/types';
import { clientErrorOf } from '../../support/client-error';

const rules = (id: string): ImageModelRules => {
  const found = imageRulesFor(id);
  if (!found) throw new Error(`no rules for ${id}`);
  return found;
};
const NOVA = rules('amazon.nova-canvas-v1:0');
const TITAN = rules('amazon.titan-image-generator-v2:0');
const ULTRA = rules('stability.stable-image-ultra-v1:1');
const opts = (o: Partial<ImageOptions> = {}): ImageOptions => ({ prompt: 'p', n: 1, ...o });

function thrown(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    return clientErrorOf(err);
  }
  throw new Error('did not throw');
}

describe('imageRulesFor', () => {
  it.each([
    ['amazon.nova-canvas-v1:0', 'nova-canvas'],
    ['us.amazon.nova-canvas-v1:0', 'nova-canvas'],
    ['arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-image-generator-v2:0', 'titan-image'],
    ['stability.sd3-5-large-v1:0', 'stability'],
    ['stability.stable-image-core-v1:0', 'stability'],
    ['amazon.titan-image-generator-v1', undefined],
    ['stability.stable-diffusion-xl-v1', undefined],
    ['amazon.nova-lite-v1:0', undefined],
  ])('%s → %s', (id, family) => expect(imageRulesFor(id)?.family).toBe(family));

  it('every family in the table has a translator', () => {
    for (const row of IMAGE_MODEL_TABLE) expect(IMAGE_FAMILIES[row.rules.family]).toBeDefined();
  });
});

describe('sizes', () => {
  it.each([
    ['1024x1024', [1024, 1024]],
    ['1173x640', [1173, 640]],
  ])('%s parses', (size, dims) => expect(parseSize(size)).toEqual(dims));

  it.each(['large', '1024', '0x512', '1024X1024', '-1x5'])('%s is a 400 naming size', (size) => {
    expect(thrown(() => parseSize(size))).toMatchObject({ status: 400, param: 'size' });
  });

  it.each([
    ['nova', '4032x1008', undefined],
    ['nova', '2032x2048', undefined],
    ['nova', '2048x2048', /fewer than 4194304 pixels/],
    ['nova', '4096x1008', /1:4 and 4:1/],
    ['nova', '4112x1024', /320 to 4096/],
    ['nova', '1000x1000', /multiple of 16/],
    ['titan', '1173x640', undefined],
    ['titan', '640x1173', /must be one of/],
  ] as const)('%s %s', (name, size, error) => {
    const family = name === 'nova' ? NOVA : TITAN;
    const run = () => IMAGE_FAMILIES[family.family].calls(opts({ size }), family);
    if (error) expect(thrown(run)?.message).toMatch(error);
    else expect(run()).toHaveLength(1);
  });

  it.each([
    [1024, 1024, '1:1'],
    [1792, 1024, '16:9'],
    [1024, 1792, '9:16'],
    [1536, 1024, '3:2'],
    [4000, 1000, '21:9'],
    [1000, 4000, '9:21'],
    [1100, 1000, '1:1'],
    [1240, 1000, '5:4'],
  ])('Stability: %ix%i → %s', (w, h, ratio) => expect(nearestAspectRatio(w, h, (ULTRA.size as { readonly ratios: readonly string[] }).ratios)).toBe(ratio));
});

describe('shared rules', () => {
  it.each([
    [NOVA, { prompt: 'x'.repeat(1025) }, 'prompt'],
    [TITAN, { n: 6 }, 'n'],
    [ULTRA, { n: 5 }, 'n'],
    [ULTRA, { quality: 'hd' }, 'quality'],
    [NOVA, { quality: 'ultra' }, 'quality'],
    [NOVA, { outputFormat: 'jpeg' }, 'output_format'],
    [ULTRA, { outputFormat: 'gif' }, 'output_format'],
    [TITAN, { style: 'PHOTOREALISM' }, 'style'],
    [ULTRA, { cfgScale: 4 }, 'cfg_scale'],
    [TITAN, { cfgScale: 1 }, 'cfg_scale'],
    [TITAN, { seed: 2_147_483_647 }, 'seed'],
    [ULTRA, { seed: 1.5 }, 'seed'],
    [NOVA, { negativePrompt: '' }, 'negative_prompt'],
  ])('%#: %j is a 400 naming %s', (family, o, param) => {
    expect(thrown(() => checkImageOptions(opts(o), family))).toMatchObject({ status: 400, param });
  });

  it.each([
    [NOVA, { quality: 'hd', style: 'MAXIMALISM', seed: 858_993_459, cfgScale: 10, n: 5 }],
    [ULTRA, { quality: 'auto', outputFormat: 'jpeg', seed: 4_294_967_294, n: 4, negativePrompt: 'x' }],
  ])('%#: %j passes', (family, o) => expect(() => checkImageOptions(opts(o), family)).not.toThrow());

  it('splits counts into calls', () => {
    expect(splitCount(5, 5)).toEqual([5]);
    expect(splitCount(3, 1)).toEqual([1, 1, 1]);
    expect(splitCount(7, 5)).toEqual([5, 2]);
  });
});

describe('request bodies', () => {
  it('Nova: quality xhigh is premium, seeds advance per call, style and negative text go in textToImageParams', () => {
    const [call] = IMAGE_FAMILIES['nova-canvas'].calls(opts({ n: 2, quality: 'xhigh', seed: 858_993_459, style: 'DESIGN_SKETCH', negativePrompt: 'fog', size: '512x768' }), NOVA);
    expect(call).toEqual({
      images: 2,
      body: {
        taskType: 'TEXT_IMAGE',
        textToImageParams: { text: 'p', negativeText: 'fog', style: 'DESIGN_SKETCH' },
        imageGenerationConfig: { numberOfImages: 2, width: 512, height: 768, quality: 'premium', seed: 858_993_459 },
      },
    });
  });

  it('Stability: one call per picture, seed wraps at its maximum', () => {
    const calls = IMAGE_FAMILIES.stability.calls(opts({ n: 2, seed: 4_294_967_294 }), ULTRA);
    expect(calls.map((c) => c.body.seed)).toEqual([4_294_967_294, 0]);
    expect(calls.every((c) => c.images === 1)).toBe(true);
  });
});

describe('answers', () => {
  const call = { images: 2, body: {} };
  it.each([
    ['Nova: all pictures', IMAGE_FAMILIES['nova-canvas'], { images: ['a', 'b'] }, { images: ['a', 'b'], blocked: 0, promptBlocked: false }],
    ['Nova: one withheld', IMAGE_FAMILIES['nova-canvas'], { images: ['a'], error: 'Some images were blocked by our content filters.' }, { images: ['a'], blocked: 1, promptBlocked: false }],
    ['Titan: null error', IMAGE_FAMILIES['titan-image'], { images: ['a', 'b'], error: null }, { images: ['a', 'b'], blocked: 0, promptBlocked: false }],
    ['Stability: prompt filter', IMAGE_FAMILIES.stability, { finish_reasons: ['Filter reason: prompt'] }, { images: [], blocked: 0, promptBlocked: true }],
    ['Stability: output filter', IMAGE_FAMILIES.stability, { seeds: [1], finish_reasons: ['Filter reason: output image'], images: [] }, { images: [], blocked: 1, promptBlocked: false }],
  ])('%s', (_, family, body, parsed) => expect(family.parse(body, call)).toEqual(parsed));

  it.each([
    ['Nova: a string', IMAGE_FAMILIES['nova-canvas'], 'images'],
    ['Nova: a non-filter error', IMAGE_FAMILIES['nova-canvas'], { images: [], error: 'boom' }],
    ['Titan: too few pictures', IMAGE_FAMILIES['titan-image'], { images: ['a'] }],
    ['Stability: two finish reasons', IMAGE_FAMILIES.stability, { finish_reasons: [null, null], images: ['a', 'b'] }],
    ['Stability: an empty picture', IMAGE_FAMILIES.stability, { finish_reasons: [null], images: [''] }],
  ])('%s is a 502', (_, family, body) => expect(thrown(() => family.parse(body, call))).toMatchObject({ status: 502 }));

  it('a ValidationException naming the content filters is a refusal; other errors are not', () => {
    const err = (name: string, message: string) => Object.assign(new Error(message), { name });
    expect(isContentFilterRefusal(err('ValidationException', 'This request has been blocked by our content filters.'))).toBe(true);
    expect(isContentFilterRefusal(err('ValidationException', 'Malformed input request'))).toBe(false);
    expect(isContentFilterRefusal(err('ThrottlingException', 'blocked by our content filters'))).toBe(false);
  });

  it('the response keeps the order of calls and counts withheld pictures; nothing left is a content_policy_violation', () => {
    const outcome = toImagesResponse([{ images: ['a'], blocked: 1, promptBlocked: false }, { images: ['b'], blocked: 0, promptBlocked: false }], 'png', 7);
    expect(outcome).toEqual({ response: { created: 7, data: [{ b64_json: 'a' }, { b64_json: 'b' }], output_format: 'png' }, blocked: 1 });
    expect(thrown(() => toImagesResponse([{ images: [], blocked: 2, promptBlocked: false }], 'png', 7))).toMatchObject({ status: 400, code: 'content_policy_violation' });
    expect(thrown(() => toImagesResponse([{ images: ['a'], blocked: 0, promptBlocked: false }, { images: [], blocked: 0, promptBlocked: true }], 'png', 7))).toMatchObject({ code: 'content_policy_violation', param: 'prompt' });
  });
});
