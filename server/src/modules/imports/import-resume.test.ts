import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { adminEmail, adminPassword, signIn, type Session } from '../../../test/auth-fixtures.ts';
import { createTestKehu, type TestKehu } from '../../../test/harness.ts';
import { until } from '../../../test/until.ts';
import type { JobContext } from '../../platform/jobs/jobs.service.ts';
import type { OrdersFace } from '../orders/index.ts';
import { runImport } from './import-job.ts';
import type { ImportsContext } from './imports.context.ts';

/**
 * A run that stops half way (the worker dies, the database goes away) resumes after its last
 * committed chunk: every row is written once, none is lost, the counts add up.
 */
describe('imports: a run that stops resumes from its last committed chunk', () => {
  let kehu: TestKehu;
  let admin: Session;
  let ctx: ImportsContext;
  const job: JobContext = { id: 'test', name: 'imports.run', retryCount: 0, progress: async () => undefined };
  const ROWS = 23;

  before(async () => {
    kehu = await createTestKehu({
      KEHU_ADMIN_EMAIL: adminEmail,
      KEHU_ADMIN_PASSWORD: adminPassword,
      KEHU_JOB_POLL_SECONDS: '0.5',
    });
    admin = await signIn(kehu, adminEmail, adminPassword);
    ctx = {
      db: kehu.db,
      audit: { record: async () => undefined, recordRequest: async () => undefined },
      jobs: kehu.platform.jobs,
      now: () => new Date(),
      customers: kehu.faces.customers,
      orders: {} as OrdersFace,
      timeZone: async () => 'Asia/Shanghai',
      dir: join(kehu.config.dataDir, 'imports'),
      maxUploadBytes: 1 << 20,
      chunkSize: 5,
    };
  });
  after(() => kehu.close());

  it('writes each row once across a crash and a resume', async () => {
    const lines = ['手机号,姓名,会员卡号'];
    for (let i = 0; i < ROWS; i++) lines.push(`1390000${String(i).padStart(4, '0')},顾客${i},R-${i}`);
    lines.splice(8, 0, '12345,坏号码,R-bad'); // one bad row in the second chunk
    const res = await kehu.app.inject({
      method: 'POST',
      url: '/api/v1/imports?fileName=resume.csv',
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken, 'content-type': 'text/csv' },
      payload: `${lines.join('\n')}\n`,
    });
    assert.equal(res.statusCode, 201, res.body);
    const { id, suggestions } = res.json();
    const dry = await admin.call('POST', `/imports/${id}/dry-run`, {
      kind: 'customers',
      onMatch: 'fillEmpty',
      mapping: { columns: suggestions.customers.columns },
    });
    assert.equal(dry.statusCode, 202, dry.body);
    await until(async () => (await admin.call('GET', `/imports/${id}`)).json().status === 'validated', 'dry run');
    // started as POST /run would, but driven here instead of by the worker, to stop it on purpose
    await kehu.db.query(`update imports set status = 'running', started_at = now() where id = $1`, [id]);

    const crash = new Error('worker died');
    await assert.rejects(
      runImport(ctx, id, job, {
        afterChunk: (n) => {
          if (n === 2) throw crash;
        },
      }),
      crash,
    );
    const halfway = (await admin.call('GET', `/imports/${id}`)).json();
    assert.equal(halfway.status, 'running');
    assert.deepEqual(halfway.result, { processed: 10, created: 9, updated: 0, unchanged: 0, skipped: 0, failed: 1 });

    // two workers resume at once (a retry of a job thought dead, and the user's resume): one wins
    const outcomes = await Promise.all([runImport(ctx, id, job), runImport(ctx, id, job)]);
    assert.equal(outcomes.filter((o) => o !== null).length, 1, 'exactly one worker finishes the import');
    const done = (await admin.call('GET', `/imports/${id}`)).json();
    assert.equal(done.status, 'done');
    assert.deepEqual(done.result, {
      processed: ROWS + 1,
      created: ROWS,
      updated: 0,
      unchanged: 0,
      skipped: 0,
      failed: 1,
    });
    const [{ n }] = await kehu.db.query<{ n: number }>(
      `select count(*)::int as n from customers where source = 'import'`,
    );
    assert.equal(n, ROWS, 'no row written twice');
    const issues = (await admin.call('GET', `/imports/${id}/issues?phase=run`)).json().items;
    assert.deepEqual(
      issues.map((i: { line: number }) => i.line),
      [9],
    );
    assert.equal(
      (await admin.call('GET', '/customers?search=13900000022')).json().items[0]?.name,
      '顾客22',
      'the last chunk is there too',
    );
  });
});
