/**
 * What the server process does with errors that no code caught.
 *
 * A promise rejection nobody observed is a bug (see the habits in docs/architecture.md), but it has
 * already been answered for: the request that started it got its answer or its error page. Node's
 * default would end the process, and with it every request in flight and the service for everyone: one
 * crafted request once did exactly that. So it is logged as an error, with the reason, and the server
 * goes on.
 *
 * An exception thrown outside any request or promise leaves the process in an unknown state: it is
 * logged as fatal and the process shuts down gracefully (exit code 1), for systemd or the container
 * runtime to start it again (docs/deployment.md).
 */
export interface GuardLog {
  error(obj: object, msg: string): void;
  fatal(obj: object, msg: string): void;
}

export function installProcessGuards(log: GuardLog, onFatal: (err: unknown) => void): () => void {
  const onRejection = (reason: unknown) => {
    log.error({ err: reason }, 'unhandled promise rejection (a bug; the server goes on)');
  };
  const onException = (err: unknown, origin: string) => {
    log.fatal({ err, origin }, 'uncaught exception: shutting down');
    onFatal(err);
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}
