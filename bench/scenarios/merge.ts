import type { Db } from '../../server/src/platform/db/db.ts';
import { startBenchKehu, signIn, type RunningKehu } from '../lib/kehu.ts';
import { machineLine, markdownTable, num, ratio } from '../lib/report.ts';
import type { BenchContext, Scenario } from './types.ts';

/**
 * Merging a customer with a long history: 10,000 timeline rows and 1,000 orders (2 lines and a
 * history row each), and 10,000 tracked events when the tracking module can move them. The merge
 * goes through the API (POST /customers/merge: locks, snapshot, every row moved with its id kept
 * for undo, stats recomputed, audit) and is undone; beside it the raw limit, the same UPDATEs as
 * bare SQL in one transaction on an identical second customer.
 */
const TIMELINE = 10_000;
const ORDERS = 1_000;
const EVENTS = 10_000;

type Reply = { status: number; json: { id?: string; merge?: { id: string } } & Record<string, unknown> };
type Api = { call(method: 'GET' | 'POST', url: string, body?: unknown): Promise<Reply> };

async function apiOf(k: RunningKehu): Promise<Api> {
  const signedIn = await signIn(k.kehu);
  if ('skipped' in signedIn) throw new Error(signedIn.skipped);
  const me = await k.kehu.app.inject({ method: 'GET', url: '/api/v1/me', headers: signedIn.headers });
  const csrf = (me.json() as { csrfToken: string }).csrfToken;
  return {
    async call(method, url, body) {
      const res = await k.kehu.app.inject({
        method,
        url: `/api/v1${url}`,
        headers: { ...signedIn.headers, 'x-csrf-token': csrf },
        ...(body === undefined ? {} : { payload: body as object }),
      });
      return { status: res.statusCode, json: res.json<Reply['json']>() };
    },
  };
}

/** The merged record's history, written in bulk (as years of activity would have left it). */
async function fill(db: Db, customerId: string, n: { timeline: number; orders: number; events: number }, tag: string) {
  await db.query(
    `insert into activities (customer_id, at, kind, module, summary)
     select $1, now() - make_interval(mins => g), 'note.added', 'customers', jsonb_build_object('text', 'note ' || g)
       from generate_series(1, $2) g`,
    [customerId, n.timeline],
  );
  const [{ id: productId }] = await db.query<{ id: string }>(
    `insert into products (sku, name, price) values ($1, 'Bench tea', 10) returning id`,
    [`BENCH-${tag}`],
  );
  await db.query(
    `with o as (
       insert into orders (customer_id, source, external_id, status, subtotal, paid_amount, placed_at)
       select $1, 'bench', $3 || '-' || g, 'paid', 20, 20, now() - make_interval(days => g % 700)
         from generate_series(1, $2) g
       returning id, placed_at),
     i as (
       insert into order_items (order_id, line_no, customer_id, product_id, sku, name, quantity, price, amount)
       select o.id, l, $1, $4, 'BENCH', 'Bench tea', 1, 10, 10 from o, generate_series(1, 2) l)
     insert into order_changes (order_id, customer_id, at, kind, amount)
     select id, $1, placed_at, 'created', 20 from o`,
    [customerId, n.orders, tag, productId],
  );
  if (n.events) {
    await db.query(
      `insert into events (source_id, customer_id, type, event, timestamp, received_at, message_id)
       select gen_random_uuid(), $1, 'track', 'Viewed', now() - make_interval(mins => g), now(), $3 || '-' || g
         from generate_series(1, $2) g`,
      [customerId, n.events, tag],
    );
  }
}

/** The same moves a merge makes, as bare UPDATEs in one transaction (no snapshot, ids, stats or audit). */
async function rawMerge(db: Db, from: string, to: string, withEvents: boolean): Promise<number> {
  const t0 = performance.now();
  await db.transaction(async (tx) => {
    await tx.query('update activities set customer_id = $2 where customer_id = $1', [from, to]);
    // order lines and history by their order (they have no index on customer_id), as the orders module does
    await tx.query(
      `with moved as (update orders set customer_id = $2 where customer_id = $1 returning id),
            items as (update order_items set customer_id = $2 where order_id in (select id from moved))
       update order_changes set customer_id = $2 where order_id in (select id from moved)`,
      [from, to],
    );
    if (withEvents) await tx.query('update events set customer_id = $2 where customer_id = $1', [from, to]);
    await tx.query('delete from customers where id = $1', [from]);
  });
  return performance.now() - t0;
}

type Row = {
  target: string;
  timeline: number;
  orders: number;
  events: number;
  merge: number;
  undo: number;
  raw: number;
};

async function measure(ctx: BenchContext, target: string, serverUrl?: string): Promise<Row | string> {
  const k = await startBenchKehu(serverUrl);
  try {
    const api = await apiOf(k);
    const n = {
      timeline: Math.round(TIMELINE * ctx.scale),
      orders: Math.round(ORDERS * ctx.scale),
      events: 0,
    };
    // events only when the module that owns them can move them (otherwise a merge is refused)
    const [{ events }] = await k.db.query<{ events: string | null }>(`select to_regclass('events')::text as events`);
    const tracking = k.kehu.faces.customers.dependents().find((d) => d.name === 'events' || d.name === 'tracking');
    if (events && tracking?.moveFor) n.events = Math.round(EVENTS * ctx.scale);

    const ids: string[] = [];
    for (const name of ['留下', '合并', '留下二', '合并二']) {
      const res = await api.call('POST', '/customers', { name: `压测${name}` });
      if (res.status !== 201) return `creating a customer answered ${res.status}`;
      ids.push(res.json.id!);
    }
    const [survivor, merged, rawSurvivor, rawMerged] = ids;
    ctx.log(
      `  ${target}: filling ${num(n.timeline)} timeline rows, ${num(n.orders)} orders, ${num(n.events)} events ×2`,
    );
    await fill(k.db, merged, n, 'a');
    await fill(k.db, rawMerged, n, 'b');
    await k.db.query('analyze');

    let t0 = performance.now();
    const merge = await api.call('POST', '/customers/merge', { survivorId: survivor, mergedId: merged });
    const mergeMs = performance.now() - t0;
    if (merge.status !== 200) return `the merge answered ${merge.status}: ${JSON.stringify(merge.json).slice(0, 300)}`;
    t0 = performance.now();
    const undo = await api.call('POST', `/customers/merges/${merge.json.merge!.id}/undo`);
    const undoMs = performance.now() - t0;
    if (undo.status !== 200) return `the undo answered ${undo.status}: ${JSON.stringify(undo.json).slice(0, 300)}`;
    const rawMs = await rawMerge(k.db, rawMerged, rawSurvivor, n.events > 0);
    return { target, ...n, merge: mergeMs, undo: undoMs, raw: rawMs };
  } finally {
    await k.close();
  }
}

export const mergeScenario: Scenario = {
  name: 'merge',
  title: 'Merging a customer with 10,000 timeline rows and 1,000 orders (and 10,000 events), and undoing it',
  async run(ctx) {
    const rows: Row[] = [];
    const notes: string[] = [];
    for (const [target, url] of [
      ['PGlite', undefined],
      ['PostgreSQL', ctx.pgUrl],
    ] as const) {
      if (target === 'PostgreSQL' && !url) {
        notes.push('PostgreSQL: not measured (set BENCH_DATABASE_URL).');
        continue;
      }
      const r = await measure(ctx, target, url);
      if (typeof r === 'string') notes.push(`${target}: ${r}`);
      else rows.push(r);
    }
    const table = markdownTable({
      head: [
        'database',
        'timeline rows',
        'orders',
        'events',
        'merge (API)',
        'undo (API)',
        'raw UPDATEs',
        'merge ÷ raw',
      ],
      rows: rows.map((r) => [
        r.target,
        num(r.timeline),
        num(r.orders),
        r.events ? num(r.events) : '– (tracking cannot move them yet)',
        `${num(r.merge)} ms`,
        `${num(r.undo)} ms`,
        `${num(r.raw)} ms`,
        ratio(r.merge, r.raw),
      ]),
    });
    return [
      `Measured ${machineLine()}; BENCH_SCALE ${ctx.scale}.`,
      '',
      table,
      '',
      'The merge moves every row with `UPDATE … RETURNING id` and keeps the ids (customer_merge_moves) so an undo moves back exactly those rows; it also snapshots the merged record, recomputes the survivor’s order aggregates, writes the timeline row, audit entry and outbox event, and re-runs duplicate detection for the survivor, all in one transaction. The raw column is the same UPDATEs and the DELETE alone.',
      ...notes.map((n) => `- ${n}`),
    ].join('\n');
  },
};
