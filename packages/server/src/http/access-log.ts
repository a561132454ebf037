import type { FastifyInstance } from 'fastify';
import pino from 'pino';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The level of this route's access line when it answers 2xx (default `info`). The token endpoint
     * says `debug`: its successes are the bulk of the traffic and are counted in /metrics (ADR 0017).
     */
    successLogLevel?: 'debug';
  }
}

const DEBUG = pino.levels.values.debug as number;
const INFO = pino.levels.values.info as number;

/**
 * One access line per request, written when the answer has been sent (Fastify's own request logging
 * is off: it writes two, one before and one after). The request is logged through the `req`
 * serializer (method, path without its query, address: log-redaction.ts), with the status and the
 * time taken. 2xx answers of a route with `successLogLevel: 'debug'` go at debug; every other answer,
 * refusals and errors included, at info (unexpected errors are logged once more, with their stack,
 * by the error handler).
 */
export function registerAccessLog(app: FastifyInstance): void {
  app.addHook('onResponse', (request, reply, done) => {
    const quiet = reply.statusCode < 300 && request.routeOptions.config.successLogLevel === 'debug';
    const log = request.log;
    // Skips building the line when its level is off (as it is for token successes in production).
    if ((pino.levels.values[log.level] ?? 0) <= (quiet ? DEBUG : INFO)) {
      const line = { req: request, res: { statusCode: reply.statusCode }, responseTime: reply.elapsedTime };
      if (quiet) log.debug(line, 'request completed');
      else log.info(line, 'request completed');
    }
    done();
  });
}

/**
 * Standard output, written asynchronously: a line is handed to the kernel by a non-blocking write,
 * and lines logged while a write is in flight are gathered and written together after it, so under
 * load many lines share one system call and the event loop never waits on the terminal or the log
 * collector. A quiet server's lines still go out at once. pino flushes what is left when the process
 * exits (also on a crash it can catch); a SIGKILL can lose the lines not yet written.
 */
export function asyncStdout(): pino.DestinationStream {
  return pino.destination({ dest: 1, sync: false });
}
