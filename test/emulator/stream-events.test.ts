import fc from 'fast-check';
import { resolveReply } from '../../emulator/reply';
import { INITIAL_DEFAULTS } from '../../emulator/state';
import { splitEvenly, splitToolInput, splitWords, streamEvents } from '../../emulator/stream-events';

describe('splitting text into deltas', () => {
  it.each([
    ['Hello world', ['Hello ', 'world']],
    ['  lead and  trail  ', ['  ', 'lead ', 'and  ', 'trail  ']],
    ['line\nbreak', ['line\n', 'break']],
    ['', []],
  ])('splitWords(%j) = %j', (text, pieces) => {
    expect(splitWords(text)).toEqual(pieces);
  });

  it('always concatenates back to the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.integer({ min: 1, max: 20 }), (text, n) => {
        expect(splitWords(text).join('')).toBe(text);
        expect(splitEvenly(text, n).join('')).toBe(text);
        expect(splitEvenly(text, n).length).toBeLessThanOrEqual(n);
      }),
    );
  });

  it('never splits a surrogate pair', () => {
    expect(splitEvenly('😀😀', 4)).toEqual(['😀', '😀']);
  });

  it.each(['{}', '{"a":1}', JSON.stringify({ long: 'x'.repeat(100) })])('splits tool input %s into at least two fragments', (json) => {
    const fragments = splitToolInput(json);
    expect(fragments.length).toBeGreaterThanOrEqual(2);
    expect(fragments.join('')).toBe(json);
  });
});

describe('streamEvents', () => {
  const body = { messages: [{ role: 'user', content: [{ text: 'hi' }] }] };

  it('numbers blocks and closes each one, ending with messageStop', () => {
    const reply = resolveReply(
      { content: [{ text: 'a b' }, { toolUse: { toolUseId: 't', name: 'n', input: {} } }] },
      body,
      INITIAL_DEFAULTS,
    );
    expect(streamEvents(reply).map((e) => [e.event, e.payload.contentBlockIndex])).toEqual([
      ['messageStart', undefined],
      ['contentBlockDelta', 0],
      ['contentBlockDelta', 0],
      ['contentBlockStop', 0],
      ['contentBlockStart', 1],
      ['contentBlockDelta', 1],
      ['contentBlockDelta', 1],
      ['contentBlockStop', 1],
      ['messageStop', undefined],
    ]);
    expect(reply.stopReason).toBe('tool_use');
  });
});
