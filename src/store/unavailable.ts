import type { DatabaseConnection, Dialect, Driver, QueryResult } from 'kysely';
import { DependencyUnavailableError } from '../errors/errors.js';

/**
 * Errors that mean "the database is not there" rather than "this query is wrong": the server refused or dropped the
 * connection, was shut down (57P01 admin_shutdown, 57P02, 57P03), the SQLSTATE class 08 (connection exception),
 * too many connections (53300), the pool timed out waiting for one; on SQLite a file that stays locked past
 * busy_timeout, or an I/O failure.
 */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const SERVER_CODES = new Set(['57P01', '57P02', '57P03', '53300']);
const MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable/i;

export function isConnectionFailure(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || SERVER_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
    if (/^SQLITE_(BUSY|IOERR|FULL|CANTOPEN)/.test(code)) return true;
  }
  if (err instanceof AggregateError && err.errors.some(isConnectionFailure)) return true;
  return MESSAGES.test(err.message);
}

function classify(err: unknown): unknown {
  if (!isConnectionFailure(err)) return err;
  return new DependencyUnavailableError('database', `database unreachable: ${(err as Error).message}`, { cause: err });
}

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw classify(err);
  }
}

/**
 * The store boundary: every statement of every repository (and of the SQL limiter) goes through the driver, so
 * wrapping it here turns a connection failure into `DependencyUnavailableError('database')` in one place. Services
 * then see one typed error they can undo on, and each surface answers 503 without knowing any driver's codes.
 */
export function failingAsUnavailable(dialect: Dialect, observe?: StatementObserver): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createDriver: () => wrapDriver(dialect.createDriver(), observe ?? (() => {})),
  };
}

/**
 * Told the SQL of every statement that reaches the database, transaction control included (`begin`, `commit`,
 * `rollback`, savepoints): tests count the statements of a request with it, so the number cannot creep back.
 */
export type StatementObserver = (sql: string) => void;

function wrapDriver(inner: Driver, observe: StatementObserver): Driver {
  // Kysely hands our wrapper back to the driver; the driver needs its own connection object (e.g. to release it).
  const original = new WeakMap<DatabaseConnection, DatabaseConnection>();
  const unwrap = (connection: DatabaseConnection) => original.get(connection) ?? connection;
  const driver: Driver = {
    init: () => guarded(() => inner.init()),
    async acquireConnection() {
      const connection = await guarded(() => inner.acquireConnection());
      const wrapped: DatabaseConnection = {
        executeQuery: <R>(query: Parameters<DatabaseConnection['executeQuery']>[0]): Promise<QueryResult<R>> => {
          observe(query.sql);
          return guarded(() => connection.executeQuery<R>(query));
        },
        streamQuery: (query, chunkSize) => {
          observe(query.sql);
          return connection.streamQuery(query, chunkSize);
        },
      };
      original.set(wrapped, connection);
      return wrapped;
    },
    beginTransaction: (connection, settings) => {
      observe('begin');
      return guarded(() => inner.beginTransaction(unwrap(connection), settings));
    },
    commitTransaction: (connection) => {
      observe('commit');
      return guarded(() => inner.commitTransaction(unwrap(connection)));
    },
    rollbackTransaction: (connection) => {
      observe('rollback');
      return guarded(() => inner.rollbackTransaction(unwrap(connection)));
    },
    releaseConnection: (connection) => inner.releaseConnection(unwrap(connection)),
    destroy: () => inner.destroy(),
  };
  if (inner.savepoint) driver.savepoint = (c, name, compile) => (observe(`savepoint ${name}`), guarded(() => inner.savepoint!(unwrap(c), name, compile)));
  if (inner.rollbackToSavepoint) driver.rollbackToSavepoint = (c, name, compile) => (observe(`rollback to ${name}`), guarded(() => inner.rollbackToSavepoint!(unwrap(c), name, compile)));
  if (inner.releaseSavepoint) driver.releaseSavepoint = (c, name, compile) => (observe(`release ${name}`), guarded(() => inner.releaseSavepoint!(unwrap(c), name, compile)));
  return driver;
}
