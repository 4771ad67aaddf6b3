import { EventStreamCodec, type MessageHeaders } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

/** The SDK's own codec builds the frames (prelude, headers, CRCs), so the wire matches what it decodes. */
const codec = new EventStreamCodec(toUtf8, fromUtf8);

const str = (value: string) => ({ type: 'string' as const, value });

function frame(headers: MessageHeaders, payload: unknown): Uint8Array {
  return codec.encode({ headers, body: fromUtf8(JSON.stringify(payload)) });
}

export function eventFrame(eventType: string, payload: unknown): Uint8Array {
  return frame(
    {
      ':message-type': str('event'),
      ':event-type': str(eventType),
      ':content-type': str('application/json'),
    },
    payload,
  );
}

/** `member` is the union member name in camelCase, e.g. modelStreamErrorException. */
export function exceptionFrame(member: string, message: string): Uint8Array {
  return frame(
    {
      ':message-type': str('exception'),
      ':exception-type': str(member),
      ':content-type': str('application/json'),
    },
    { message },
  );
}

export const EVENTSTREAM_CONTENT_TYPE = 'application/vnd.amazon.eventstream';
