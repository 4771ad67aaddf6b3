/**
 * Graceful shutdown of the Node server: stop accepting, let in-flight requests (streams included) finish
 * within the grace period, then cut what is left.
 */
import type { ServerType } from '@hono/node-server';
import type { AppLogger } from '../../log/logger';

/** How often a draining server closes keep-alive connections that just went idle. */
const IDLE_SWEEP_MS = 100;

/** How long streams told to stop (at the end of the grace period) get to write their error event. */
const CUT_FLUSH_MS = 250;

/**
 * `cutStreams` runs when the grace period is over: open event streams end with an error event (and their
 * access-log line) before the remaining connections are closed.
 */
export function drain(server: ServerType, graceMs: number, logger: AppLogger, cutStreams?: () => void): Promise<void> {
  return new Promise<void>((resolve) => {
    const started = Date.now();
    const closeIdle = (): void => {
      if ('closeIdleConnections' in server) server.closeIdleConnections();
    };
    // A keep-alive connection whose last response just finished would otherwise hold close() open until its
    // idle timeout; sweeping them makes the server stop as soon as the last request ends.
    const sweep = setInterval(closeIdle, IDLE_SWEEP_MS);
    let flush: NodeJS.Timeout | undefined;
    const deadline = setTimeout(() => {
      logger.warn('shutdown grace period over; closing the remaining connections', { graceMs });
      cutStreams?.();
      flush = setTimeout(() => {
        if ('closeAllConnections' in server) server.closeAllConnections();
      }, cutStreams ? CUT_FLUSH_MS : 0);
      flush.unref();
    }, graceMs);
    sweep.unref();
    deadline.unref();
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(deadline);
      clearTimeout(flush);
      logger.info('server stopped', { drainMs: Date.now() - started });
      resolve();
    });
    closeIdle();
  });
}

