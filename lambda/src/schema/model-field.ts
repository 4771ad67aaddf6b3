/**
 * The `model` field every model route shares. Absent, null and empty all mean "no model named": the
 * resolver (models/resolver.ts) then applies the default model of the route's kind, or answers 400
 * `model_not_found` when the gateway has none. Anything but a string is still a 400 naming `model`.
 */
import * as z from 'zod';

export const modelField = () =>
  z
    .string()
    .nullish()
    .transform((model) => model ?? '');
