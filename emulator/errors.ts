import type { Exchange } from './exchange';
import type { ScriptedError } from './types';

/** HTTP status Bedrock uses for each modeled error. */
export const ERROR_STATUS: Readonly<Record<string, number>> = {
  ValidationException: 400,
  ServiceQuotaExceededException: 400,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  ModelTimeoutException: 408,
  ModelErrorException: 424,
  ThrottlingException: 429,
  ModelNotReadyException: 429,
  InternalServerException: 500,
  ServiceUnavailableException: 503,
};

/** An error a route handler throws to answer with a Bedrock error response. */
export class BedrockError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status: number = ERROR_STATUS[type] ?? 500,
  ) {
    super(message);
    this.name = type;
  }

  static from(error: ScriptedError): BedrockError {
    return new BedrockError(error.type, error.message ?? `Emulated ${error.type}`, error.status);
  }
}

export function validation(message: string): BedrockError {
  return new BedrockError('ValidationException', message);
}

/** restJson1 error: the SDK picks the exception class from x-amzn-errortype. */
export function sendError(exchange: Exchange, error: BedrockError): void {
  exchange.start(error.status, {
    'content-type': 'application/json',
    'x-amzn-errortype': error.type,
    'x-amzn-requestid': requestId(),
  });
  exchange.end(JSON.stringify({ message: error.message }));
}

/** Event-stream exception members are the error names in camelCase (throttlingException). */
export function streamExceptionMember(type: string): string {
  return type.charAt(0).toLowerCase() + type.slice(1);
}

let counter = 0;
export function requestId(): string {
  counter += 1;
  return `emu-${Date.now().toString(36)}-${counter.toString(36)}`;
}
