/**
 * The admin API's request bodies: create (`POST /admin/keys`) and update (`PATCH /admin/keys/{id}`) a
 * managed key. Strict: an unknown field is a 400 naming it, so a typo never leaves a key unlimited. In a
 * PATCH, `null` clears a setting (no model list, no limits, no budget, no expiry) and an absent field keeps it.
 */
import * as z from 'zod';
import { MAX_KEY_METADATA, METADATA_KEY, METADATA_VALUE } from '../keys/metadata';
import { deferred } from './deferred';
import { list } from './list';

/** A name Bedrock accepts as a requestMetadata value, so it can be sent with every call. */
const KEY_NAME = /^[A-Za-z0-9 _.:@=+,/-]{1,64}$/;
const PROFILE_ARN = /^arn:aws[a-z-]*:bedrock:[a-z0-9-]+:\d{12}:application-inference-profile\/[a-z0-9]{1,64}$/;

const build = (patch: boolean) => {
  const positiveInt = z.number().int().min(1).max(1e12);
  const fields = {
    name: z.string().regex(KEY_NAME, 'expected 1 to 64 letters, digits, spaces or _ . : @ = + , / -'),
    models: list(z.string().min(1).max(2048), (a) => a.min(1).max(100)).nullish(),
    limits: z
      .strictObject({ rpm: positiveInt.optional(), tpm: positiveInt.optional() })
      .refine((l) => l.rpm !== undefined || l.tpm !== undefined, 'give rpm, tpm or both (or null for no limits)')
      .nullish(),
    budget: z
      .strictObject({ tokens: positiveInt.optional(), usd: z.number().positive().max(1e9).optional(), period: z.enum(['day', 'month']).optional() })
      .refine((b) => b.tokens !== undefined || b.usd !== undefined, 'give tokens, usd or both (or null for no budget)')
      .nullish(),
    // Unix seconds, or an ISO 8601 date or time; a moment already past makes a key that is already expired.
    expires_at: z
      .union([
        z.number().int().min(0).max(253_402_300_799),
        z
          .string()
          .refine((v) => /^\d{4}-\d{2}-\d{2}/.test(v) && Number.isFinite(Date.parse(v)), 'expected unix seconds or an ISO 8601 date')
          .transform((v) => Math.floor(Date.parse(v) / 1000)),
      ])
      .nullish(),
    metadata: z
      .record(z.string().regex(METADATA_KEY, 'metadata keys take Bedrock requestMetadata characters'), z.string().regex(METADATA_VALUE, 'metadata values take Bedrock requestMetadata characters'))
      .refine((m) => Object.keys(m).length <= MAX_KEY_METADATA, `at most ${MAX_KEY_METADATA} pairs (Bedrock takes 16; the gateway adds the key's id and name)`)
      .nullish(),
    inference_profiles: z
      .record(z.string().min(1).max(2048), z.string().regex(PROFILE_ARN, 'expected an application inference profile ARN'))
      .refine((m) => Object.keys(m).length <= 100, 'at most 100 entries')
      .nullish(),
  };
  return patch ? z.strictObject({ ...fields, name: fields.name.optional() }) : z.strictObject(fields);
};

export const createKeySchema = deferred(() => build(false));
export const updateKeySchema = deferred(() => build(true));

export type CreateKeyBody = z.output<ReturnType<typeof build>> & { name: string };
export type UpdateKeyBody = Partial<CreateKeyBody>;
