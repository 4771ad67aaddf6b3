/**
 * Graceful shutdown of the Node server: stop accepting, let in-flight requests (streams included) finish
 * within the grace period, then cut what is left.
 */
import type { ServerType } from '@hono/node-server';
import type { AppLogger } from '../../log/logger';

/** How often a draining server closes keep-alive connections that just went idle. */
const IDLE_SWEEP_MS = 100;

export function drain(server: ServerType, graceMs: number, logger: AppLogger): Promise<void> {
  return new Promise<void>((resolve) => {
    const started = Date.now();
    const closeIdle = (): void => {
      if ('closeIdleConnections' in server) server.closeIdleConnections();
    };
    // A keep-alive connection whose last response just finished would otherwise hold close() open until its
    // idle timeout; sweeping them makes the server stop as soon as the last request ends.
    const sweep = setInterval(closeIdle, IDLE_SWEEP_MS);
    const deadline = setTimeout(() => {
      logger.warn('shutdown grace period over; closing the remaining connections', { graceMs });
      if ('closeAllConnections' in server) server.closeAllConnections();
    }, graceMs);
    sweep.unref();
    deadline.unref();
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(deadline);
      logger.info('server stopped', { drainMs: Date.now() - started });
      resolve();
    });
    closeIdle();
  });
}

