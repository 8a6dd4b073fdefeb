import { Worker } from 'node:worker_threads';
import type { Backend, Connection, QueryResult } from './db.ts';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };
type WorkerError = { message: string; code?: string; detail?: string; constraint?: string };

/** An error from PostgreSQL inside the worker, with its SQLSTATE `code` kept. */
export class PgliteError extends Error {
  code?: string;
  detail?: string;
  constraint?: string;
  constructor(e: WorkerError) {
    super(e.message);
    this.name = 'PgliteError';
    Object.assign(this, { code: e.code, detail: e.detail, constraint: e.constraint });
  }
}

/** Opens PGlite (on disk at `dataDir`) in a worker thread and talks to it by messages. */
export async function openPgliteBackend(dataDir: string): Promise<Backend> {
  const worker = new Worker(new URL('./pglite.worker.mjs', import.meta.url), {
    workerData: { dataDir },
    // the worker is plain JS; it needs no TypeScript loader
    execArgv: [],
  });
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let nextTx = 1;

  await new Promise<void>((resolve, reject) => {
    const onMessage = (m: { ready?: boolean; error?: WorkerError }) => {
      if (m.ready === undefined) return;
      worker.off('message', onMessage);
      if (m.ready) resolve();
      else reject(new PgliteError(m.error ?? { message: 'PGlite failed to start' }));
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
  });

  worker.on('message', (m: { id?: number; ok?: boolean; result?: unknown; error?: WorkerError }) => {
    if (m.id === undefined) return;
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.ok) p.resolve(m.result);
    else p.reject(new PgliteError(m.error ?? { message: 'unknown PGlite error' }));
  });
  worker.on('error', (err) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  });

  function send<T>(msg: Record<string, unknown>): Promise<T> {
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ ...msg, id });
    });
  }

  function connection(tx: number | null): Connection {
    return {
      query: (text, params, rowMode) => send<QueryResult>({ op: 'query', text, params, rowMode, tx }),
      exec: (text) => send<void>({ op: 'exec', text, tx }),
    };
  }

  let closed = false;
  return {
    kind: 'pglite',
    conn: connection(null),
    async exclusive(fn) {
      const tx = nextTx++;
      await send({ op: 'acquire', tx: null, newTx: tx });
      // `acquire` ran when the session was free; from now on only messages tagged `tx` run.
      try {
        return await fn(connection(tx));
      } finally {
        await send({ op: 'release', tx });
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await send({ op: 'close', tx: null });
      await worker.terminate();
    },
  };
}
