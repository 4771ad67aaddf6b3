/** Ids: the prefix, 24 base64url characters, and no repeats across refills of the random pool. */
import { newId } from '../../lambda/src/translate/ids';

describe('newId', () => {
  it('gives 24 random base64url characters after the prefix, never the same twice across pool refills', () => {
    const ids = Array.from({ length: 2_000 }, () => newId('chatcmpl'));
    for (const id of ids) expect(id).toMatch(/^chatcmpl-[A-Za-z0-9_-]{24}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
