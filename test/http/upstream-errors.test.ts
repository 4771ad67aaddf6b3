import { fromBedrockError } from '../../lambda/src/http/upstream-errors';

const named = (name: string, message = 'boom', status?: number) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

describe('fromBedrockError', () => {
  it.each([
    ['ValidationException', 400, 'invalid_request_error', undefined],
    ['AccessDeniedException', 403, 'permission_error', undefined],
    ['ResourceNotFoundException', 404, 'not_found_error', undefined],
    ['ThrottlingException', 429, 'rate_limit_error', 2],
    ['ModelNotReadyException', 429, 'rate_limit_error', 5],
    ['ServiceQuotaExceededException', 429, 'rate_limit_error', 10],
    ['ModelTimeoutException', 504, 'timeout_error', undefined],
    ['ServiceUnavailableException', 503, 'service_unavailable', 5],
    ['ModelErrorException', 502, 'api_error', undefined],
    ['ModelStreamErrorException', 502, 'api_error', undefined],
    ['InternalServerException', 502, 'api_error', undefined],
    ['modelStreamErrorException', 502, 'api_error', undefined],
  ])('%s → %i %s', (name, status, type, retryAfter) => {
    const err = fromBedrockError(named(name));
    expect([err.status, err.type, err.retryAfterSeconds]).toEqual([status, type, retryAfter]);
  });

  it('passes validation messages through and flags context overflows', () => {
    const err = fromBedrockError(named('ValidationException', 'Input is too long for requested model.'));
    expect(err.message).toBe('Input is too long for requested model.');
    expect(err.code).toBe('context_length_exceeded');
  });

  it('hides upstream internals behind a fixed message', () => {
    expect(fromBedrockError(named('InternalServerException', 'stack at host-123')).message).not.toContain('host-123');
  });

  it.each([
    ['a connection reset', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), 502, 'upstream_connection_error'],
    ['a reset the SDK renamed TimeoutError', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', name: 'TimeoutError' }), 502, 'upstream_connection_error'],
    ['a broken pipe the SDK renamed TimeoutError', Object.assign(new Error('write EPIPE'), { code: 'EPIPE', name: 'TimeoutError' }), 502, 'upstream_connection_error'],
    ['a timeout', Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }), 504, 'upstream_timeout'],
    ['a body that is not JSON', Object.assign(new SyntaxError('Unexpected token \'<\'\n  Deserialization error: ...'), { $response: {} }), 502, 'upstream_invalid_response'],
    ['a frame with a bad checksum', new Error('The prelude checksum specified in the message (1) does not match the calculated CRC32 checksum (2)'), 502, 'upstream_invalid_response'],
    ['a truncated frame', new Error('Truncated event message received.'), 502, 'upstream_invalid_response'],
    ['an HTML 502 page', Object.assign(new SyntaxError('Unexpected token \'<\''), { name: 'SyntaxError', $response: {}, $metadata: { httpStatusCode: 502 } }), 502, 'upstream_error'],
    ['a socket reset the SDK names a TimeoutError', Object.assign(new Error('socket hang up'), { name: 'TimeoutError', code: 'ECONNRESET' }), 502, 'upstream_connection_error'],
    ['a connection that was never made in time', Object.assign(new Error('did not establish a connection within 10000 ms'), { name: 'TimeoutError' }), 504, 'upstream_timeout'],
    ['an unknown 4xx', named('WeirdException', 'nope', 409), 400, 'upstream_rejected'],
    ['an unknown 5xx', named('WeirdException', 'nope', 500), 502, 'upstream_error'],
    ['a plain bug', new TypeError('x is undefined'), 500, 'internal_error'],
    ['missing AWS credentials', named('CredentialsProviderError', 'Could not load credentials from any providers'), 500, 'aws_credentials_unavailable'],
  ])('%s', (_name, input, status, code) => {
    const err = fromBedrockError(input);
    expect([err.status, err.code]).toEqual([status, code]);
    expect(err.message).not.toContain('x is undefined');
  });
});

describe('an error Bedrock does not document (issue 18, finding 5)', () => {
  it('gets a stable message with Bedrock\'s request id, never the upstream text', () => {
    const err = Object.assign(new Error('Denied by proxy internal-gw-7.corp.example:8443'), { name: 'WeirdException', $metadata: { httpStatusCode: 409, requestId: 'req-123' } });
    const mapped = fromBedrockError(err);
    expect(mapped.message).toBe('Bedrock rejected the request with HTTP 409 (Bedrock request id req-123).');
    expect(mapped.message).not.toContain('corp.example');
  });
});
