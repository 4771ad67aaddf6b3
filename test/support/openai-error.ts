/** Asserts the exact OpenAI error envelope: four keys, string message/type, string-or-null param/code. */
export function expectOpenAIError(body: unknown, expected: { type?: string; param?: string | null; code?: string | null } = {}): void {
  expect(body).toEqual({ error: expect.any(Object) });
  const error = (body as { error: Record<string, unknown> }).error;
  expect(Object.keys(error).sort()).toEqual(['code', 'message', 'param', 'type']);
  expect(typeof error.message).toBe('string');
  expect(typeof error.type).toBe('string');
  expect(error.param === null || typeof error.param === 'string').toBe(true);
  expect(error.code === null || typeof error.code === 'string').toBe(true);
  for (const [k, v] of Object.entries(expected)) expect(error[k]).toEqual(v);
}
