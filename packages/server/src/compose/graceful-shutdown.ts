import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';

export interface GracefulShutdownOptions {
  readonly app: FastifyInstance;
  /** Run in order once the server has stopped: timers, Redis, storage (storage last: requests may need it until the end). */
  readonly closers: ReadonlyArray<() => unknown>;
  /** How long in-flight requests may take to finish before their connections are cut (COUNTERSIGN_SHUTDOWN_TIMEOUT). */
  readonly timeoutSeconds: number;
  /** Ends the process (default `process.exit`); tests pass their own. */
  readonly exit?: (code: number) => void;
  readonly signals?: readonly NodeJS.Signals[];
}

/**
 * SIGTERM and SIGINT stop the server gracefully: Fastify stops accepting connections, closes the idle
 * keep-alive ones and answers any new request on a live one with 503 and `Connection: close`, while
 * requests already in flight run to completion. Those still running after `timeoutSeconds` have their
 * connections cut, so that a stuck request cannot hold a deployment back. Then the closers run (Redis,
 * storage) and the process exits 0: a stop that was asked for is a success, even when the bound cut a
 * request short (that is logged as a warning). A second signal cuts the remaining connections at once.
 */
export function installGracefulShutdown(options: GracefulShutdownOptions): void {
  const { app, closers, timeoutSeconds } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  // Responses not yet finished: at shutdown they are told to close their connection once sent, so that
  // a keep-alive client does not hold the process until its idle timeout.
  const inFlight = new Set<ServerResponse>();
  app.server.on('request', (_request: IncomingMessage, response: ServerResponse) => {
    inFlight.add(response);
    response.once('close', () => inFlight.delete(response));
  });
  const cutConnections = (why: string) => {
    app.log.warn(why);
    app.server.closeAllConnections();
  };
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      cutConnections(`${signal} again: cutting the remaining connections`);
      return;
    }
    stopping = true;
    for (const response of inFlight) if (!response.headersSent) response.shouldKeepAlive = false;
    app.log.info({ signal, timeoutSeconds }, 'shutting down: no new connections, finishing requests in flight');
    const bound = setTimeout(
      () => cutConnections(`requests still running after ${timeoutSeconds} s (COUNTERSIGN_SHUTDOWN_TIMEOUT): cutting their connections`),
      timeoutSeconds * 1000,
    );
    bound.unref();
    let code = 0;
    try {
      await app.close();
    } catch (err) {
      app.log.error({ err }, 'closing the server failed');
    }
    clearTimeout(bound);
    for (const close of closers) {
      try {
        await close();
      } catch (err) {
        // Keep closing the rest; a failed close is worth a non-zero exit so the supervisor sees it.
        app.log.error({ err }, 'closing a connection failed during shutdown');
        code = 1;
      }
    }
    app.log.info('shut down');
    exit(code);
  };
  for (const signal of options.signals ?? (['SIGTERM', 'SIGINT'] as const)) {
    process.on(signal, (received: NodeJS.Signals) => void stop(received));
  }
}
