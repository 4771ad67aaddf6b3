/**
 * Structured JSON logs through Powertools for AWS Lambda's Logger (it also runs fine outside Lambda).
 * The app sees only this small interface, so tests can capture or silence logs.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '../config';
import { AccessLog, type AccessLevel } from './access-log';

export interface AppLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /**
   * The access log line (message `request`), when this logger has a cheaper path for it than `info`/`error`
   * (log/access-log.ts); the caller has already checked the level.
   */
  access?(level: AccessLevel, fields: Record<string, unknown>): void;
}

export const silentLogger: AppLogger = { debug() {}, info() {}, warn() {}, error() {} };

export interface LoggerOptions {
  readonly serviceName?: string;
  /** Running as a Lambda function: access lines carry the X-Ray trace id. */
  readonly lambda?: boolean;
}

export function createLogger(level: LogLevel, options: LoggerOptions = {}): AppLogger {
  if (level === 'SILENT') return silentLogger;
  const serviceName = options.serviceName ?? 'bedrock-openai-gateway';
  const logger = new Logger({ serviceName, logLevel: level });
  const accessLog = new AccessLog({ service: serviceName, lambda: options.lambda });
  return {
    debug: (m, f) => logger.debug(m, f ?? {}),
    info: (m, f) => logger.info(m, f ?? {}),
    warn: (m, f) => logger.warn(m, f ?? {}),
    error: (m, f) => logger.error(m, f ?? {}),
    access: (l, f) => accessLog.write(l, f),
  };
}
