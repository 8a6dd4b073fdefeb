import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDb } from '../../../test/harness.ts';
import type { Db, Tx } from '../db/db.ts';
import { createJobs, type Jobs } from '../jobs/jobs.service.ts';
import { createEvents, DISPATCH_JOB, type DomainEvent, type Events } from './events.service.ts';
import { until } from '../../../test/until.ts';

describe('domain events through the outbox', () => {
  let db: Db & { dataDir: string };
  let jobs: Jobs;
  let events: Events;
  const seen: Record<string, string[]> = { timeline: [], journeys: [], flaky: [] };
  let flakyFailures = 0;

  before(async () => {
    db = await createTestDb();
    await db.exec('CREATE TABLE events_test_effects (subscriber text, event_id uuid)');
    // the worker only starts for the last test, so dispatch is under the tests' control until then
    jobs = createJobs({ db, runWorkers: false, pollingIntervalSeconds: 0.5, businessTimeZone: async () => 'UTC' });
    events = createEvents({ db, jobs });
    const record =
      (name: string) =>
      async (e: DomainEvent, { tx }: { tx: Tx }) => {
        seen[name].push(e.id);
        await tx.query('INSERT INTO events_test_effects VALUES ($1, $2)', [name, e.id]);
      };
    events.subscribe('timeline', ['order.created', 'ticket.closed'], record('timeline'));
    events.subscribe('journeys', 'order.created', record('journeys'));
    events.subscribe('flaky', 'order.created', async (e, ctx) => {
      if (flakyFailures > 0) {
        flakyFailures--;
        throw new Error('downstream unavailable');
      }
      await record('flaky')(e, ctx);
    });
    await jobs.start();
  });
  after(async () => {
    await jobs.stop();
    await db.close();
  });

  const pendingJobs = () =>
    db
      .query<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1`, [DISPATCH_JOB])
      .then((r) => r[0].n);

  it('never delivers an event emitted in a rolled-back transaction', async () => {
    const jobsBefore = await pendingJobs();
    let id = '';
    await assert.rejects(
      db.transaction(async (tx) => {
        id = await events.emit(tx, { type: 'order.created', payload: { orderId: 'o-1' } });
        throw new Error('rollback');
      }),
    );
    assert.deepEqual(await db.query('SELECT id FROM outbox WHERE id = $1', [id]), []);
    assert.equal(await pendingJobs(), jobsBefore);
    assert.deepEqual(await events.dispatch(id), { delivered: [], skipped: [], failed: [] });
  });

  it('delivers a committed event to each subscriber exactly once, even when dispatched twice at once', async () => {
    const id = await db.transaction((tx) =>
      events.emit(tx, { type: 'order.created', payload: { orderId: 'o-2', total: '99.00' }, customerId: null }),
    );
    const [a, b] = await Promise.all([events.dispatch(id), events.dispatch(id)]);
    assert.deepEqual([...a.delivered, ...b.delivered].sort(), ['flaky', 'journeys', 'timeline']);
    await events.dispatch(id);
    for (const name of ['timeline', 'journeys', 'flaky']) assert.equal(seen[name].filter((x) => x === id).length, 1);
    const effects = await db.query('SELECT subscriber FROM events_test_effects WHERE event_id = $1', [id]);
    assert.equal(effects.length, 3);
    const [row] = await db.query<{ dispatched_at: Date | null }>('SELECT dispatched_at FROM outbox WHERE id = $1', [
      id,
    ]);
    assert.ok(row.dispatched_at);
  });

  it('retries a failing subscriber without redelivering to the others; its writes roll back with it', async () => {
    flakyFailures = 2;
    const id = await db.transaction((tx) => events.emit(tx, { type: 'order.created', payload: { orderId: 'o-3' } }));
    await assert.rejects(events.dispatch(id), /flaky: downstream unavailable/);
    await assert.rejects(events.dispatch(id), /flaky/);
    const third = await events.dispatch(id);
    assert.deepEqual(third, { delivered: ['flaky'], skipped: ['timeline', 'journeys'], failed: [] });
    for (const name of ['timeline', 'journeys', 'flaky']) assert.equal(seen[name].filter((x) => x === id).length, 1);
  });

  it('records events nobody listens to as dispatched, without a job', async () => {
    const before = await pendingJobs();
    const id = await db.transaction((tx) => events.emit(tx, { type: 'points.earned', payload: { points: 10 } }));
    assert.equal(await pendingJobs(), before);
    const [row] = await db.query<{ dispatched_at: Date | null }>('SELECT dispatched_at FROM outbox WHERE id = $1', [
      id,
    ]);
    assert.ok(row.dispatched_at);
  });

  it('refuses malformed types and duplicate subscribers', () => {
    assert.throws(() => events.subscribe('timeline', 'order.created', async () => undefined), /twice/);
    assert.throws(() => events.subscribe('x', 'OrderCreated', async () => undefined), /bad event type/);
  });

  it('delivers through the job queue when workers run', async () => {
    const workerJobs = createJobs({
      db,
      runWorkers: true,
      pollingIntervalSeconds: 0.5,
      businessTimeZone: async () => 'UTC',
    });
    const workerEvents = createEvents({ db, jobs: workerJobs });
    const got: string[] = [];
    workerEvents.subscribe('timeline', 'ticket.closed', async (e) => {
      got.push(e.id);
    });
    await workerJobs.start();
    try {
      const id = await db.transaction((tx) =>
        workerEvents.emit(tx, { type: 'ticket.closed', payload: { ticketId: 't-1' } }),
      );
      await until(async () => got.includes(id), 'delivery by the worker');
    } finally {
      await workerJobs.stop();
    }
  });
});
