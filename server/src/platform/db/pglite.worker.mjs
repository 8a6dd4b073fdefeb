// PGlite runs PostgreSQL compiled to WASM on the thread that calls it, blocking that thread for
// the whole of every query. It lives here, in a worker thread, so a 2-second report never freezes
// the HTTP thread. PGlite is one session: this worker serialises work and hands the session to
// one transaction at a time (statements of other callers wait until it ends).
// Plain JavaScript on purpose: worker threads do not inherit the TypeScript loader reliably.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { citext } from '@electric-sql/pglite/contrib/citext';
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin';

// The same parsers as the `pg` backend, so both databases return identical values.
const parsers = {
  20: (v) => Number(v), // int8: counts and ids stay below 2^53
  1082: (v) => v, // date: 'YYYY-MM-DD', never shifted by a time zone
  1700: (v) => v, // numeric: money stays a string
};

let db;
let txOwner = null; // id of the transaction currently holding the session
const queue = [];
let running = false;

function serializeError(err) {
  const e = err ?? {};
  return {
    message: String(e.message ?? e),
    code: e.code,
    detail: e.detail,
    constraint: e.constraint,
    table: e.table,
    column: e.column,
    severity: e.severity,
  };
}

async function run(msg) {
  switch (msg.op) {
    case 'query': {
      const res = await db.query(msg.text, msg.params, { rowMode: msg.rowMode, parsers });
      return { rows: res.rows, rowCount: res.affectedRows ?? res.rows.length };
    }
    case 'exec':
      await db.exec(msg.text);
      return null;
    case 'acquire':
      txOwner = msg.newTx;
      return null;
    case 'release':
      txOwner = null;
      return null;
    case 'close':
      await db.close();
      return null;
    default:
      throw new Error(`unknown op ${msg.op}`);
  }
}

function runnable(msg) {
  if (txOwner === null) return true;
  return msg.tx === txOwner;
}

async function pump() {
  if (running) return;
  running = true;
  try {
    for (;;) {
      const i = queue.findIndex(runnable);
      if (i < 0) break;
      const [msg] = queue.splice(i, 1);
      try {
        const result = await run(msg);
        parentPort.postMessage({ id: msg.id, ok: true, result });
      } catch (err) {
        parentPort.postMessage({ id: msg.id, ok: false, error: serializeError(err) });
      }
    }
  } finally {
    running = false;
  }
}

async function main() {
  const { dataDir } = workerData;
  db = new PGlite(dataDir, { extensions: { pg_trgm, citext, btree_gin } });
  await db.waitReady;
  parentPort.on('message', (msg) => {
    queue.push(msg);
    void pump();
  });
  parentPort.postMessage({ ready: true });
}

main().catch((err) => {
  parentPort.postMessage({ ready: false, error: serializeError(err) });
});
