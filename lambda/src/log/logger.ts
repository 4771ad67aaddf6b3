/**
 * Structured JSON logs through Powertools for AWS Lambda's Logger (it also runs fine outside Lambda).
 * The app sees only this small interface, so tests can capture or silence logs.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '../config';

export interface AppLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: AppLogger = { debug() {}, info() {}, warn() {}, error() {} };

export function createLogger(level: LogLevel, serviceName = 'bedrock-openai-gateway'): AppLogger {
  if (level === 'SILENT') return silentLogger;
  const logger = new Logger({ serviceName, logLevel: level });
  return {
    debug: (m, f) => logger.debug(m, f ?? {}),
    info: (m, f) => logger.info(m, f ?? {}),
    warn: (m, f) => logger.warn(m, f ?? {}),
    error: (m, f) => logger.error(m, f ?? {}),
  };
}
