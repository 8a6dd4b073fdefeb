import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDb } from '../../../test/harness.ts';
import type { Db } from '../db/db.ts';
import { createJobs, type Jobs } from './jobs.service.ts';
import { isScript } from './pg-boss.adapter.ts';
import { until } from '../../../test/until.ts';

describe('jobs on the database', () => {
  let db: Db & { dataDir: string };
  let jobs: Jobs;
  const ran: string[] = [];
  before(async () => {
    db = await createTestDb();
    jobs = createJobs({
      db,
      runWorkers: true,
      pollingIntervalSeconds: 0.5,
      businessTimeZone: async () => 'Asia/Shanghai',
    });
    jobs.define<{ who: string }>('test.greet', async (p, ctx) => {
      await ctx.progress(50);
      ran.push(p.who);
    });
    jobs.define(
      'test.fail',
      async () => {
        throw new Error('boom 失败');
      },
      { retryLimit: 1, retryDelay: 1, retryBackoff: false },
    );
    jobs.define('test.daily', async () => undefined);
    await jobs.schedule('test.daily', '0 9 * * *');
    await jobs.start();
  });
  after(async () => {
    await jobs.stop();
    await db.close();
  });

  it('tells scripts from single statements', () => {
    assert.equal(isScript('SELECT 1'), false);
    assert.equal(isScript('SELECT 1;'), false);
    assert.equal(isScript('BEGIN; SELECT 1; COMMIT;'), true);
  });

  it('runs a job, stores its progress and lists it completed', async () => {
    const id = await jobs.send('test.greet', { who: '王芳' });
    assert.ok(id);
    const job = await until(async () => {
      const j = await jobs.find(id);
      return j?.state === 'completed' && j;
    }, 'completion');
    assert.deepEqual(ran, ['王芳']);
    assert.equal(job.progress, 50);
    const page = await jobs.list({ limit: 10, name: 'test.greet' });
    assert.equal(page.items[0].id, id);
    assert.equal(page.counts.completed, 1);
  });

  it('retries a failing job, then records it failed with its error; retry puts it back', async () => {
    const id = await jobs.send('test.fail', {});
    assert.ok(id);
    const job = await until(async () => {
      const j = await jobs.find(id);
      return j?.state === 'failed' && j;
    }, 'failure');
    assert.equal(job.retryCount, 1);
    assert.equal(job.error, 'boom 失败');
    assert.deepEqual(await jobs.retry(id), { outcome: 'retried', name: 'test.fail' });
    assert.deepEqual(await jobs.retry(id), { outcome: 'not_failed', state: 'retry' });
    assert.deepEqual(await jobs.retry('00000000-0000-0000-0000-000000000000'), { outcome: 'not_found' });
  });

  it('enqueues in the caller transaction: a rollback leaves no job', async () => {
    let id: string | null = null;
    await assert.rejects(
      db.transaction(async (tx) => {
        id = await jobs.send('test.greet', { who: 'rolled back' }, { tx, startAfter: 3600 });
        throw new Error('rollback');
      }),
      /rollback/,
    );
    assert.ok(id);
    assert.equal(await jobs.find(id), null);
    const committed = await db.transaction((tx) => jobs.send('test.greet', { who: 'later' }, { tx, startAfter: 3600 }));
    assert.equal((await jobs.find(committed!))?.state, 'created');
  });

  it('lists schedules in the business time zone with the next run', async () => {
    const now = new Date('2026-12-01T02:00:00Z'); // 10:00 in Shanghai
    const items = await jobs.listSchedules(now);
    assert.deepEqual(items, [
      { name: 'test.daily', cron: '0 9 * * *', timeZone: 'Asia/Shanghai', nextRunAt: '2026-12-02T01:00:00.000Z' },
    ]);
    await jobs.setBusinessTimeZone('Europe/Berlin');
    assert.equal((await jobs.listSchedules(now))[0].timeZone, 'Europe/Berlin');
  });

  it('refuses unknown jobs and bad cron expressions', async () => {
    await assert.rejects(jobs.send('test.nope', {}), /not defined/);
    assert.throws(() => jobs.define('test.greet', async () => undefined), /defined twice/);
    assert.throws(() => jobs.define('Bad Name', async () => undefined), /bad job name/);
    await assert.rejects(jobs.schedule('test.daily', 'not cron'));
  });

  it('accepts a job defined after start', async () => {
    const got: number[] = [];
    jobs.define<{ n: number }>('test.late', async (p) => {
      got.push(p.n);
    });
    const id = await jobs.send('test.late', { n: 7 });
    await until(async () => (await jobs.find(id!))?.state === 'completed', 'late job');
    assert.deepEqual(got, [7]);
  });
});
