import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { InjectOptions } from 'fastify';
import { createTestKehu, type TestKehu } from '../../test/harness.ts';
import { adminEmail, adminPassword, signIn, type Session } from '../../test/auth-fixtures.ts';
import { startTestSmtp } from '../../test/smtp.ts';
import { tokenKeyId } from './crypto/field-crypto.ts';
import { until } from '../../test/until.ts';

type Json = Record<string, unknown> & { items?: unknown[] };

const smtpPassword = 'smtp-pass-金丝雀-canary-7731';

describe('platform admin API: settings, mail, encryption, jobs', () => {
  let kehu: TestKehu;
  let admin: Session;
  let nobody: Session;
  let smtp: Awaited<ReturnType<typeof startTestSmtp>>;

  const as = (s: Session, method: InjectOptions['method'], url: string, payload?: unknown, lang = 'en') =>
    kehu.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrfToken, 'accept-language': lang },
      ...(payload === undefined ? {} : { payload: payload as InjectOptions['payload'] }),
    });

  before(async () => {
    smtp = await startTestSmtp({ user: 'kehu', password: smtpPassword });
    kehu = await createTestKehu({
      KEHU_ADMIN_EMAIL: adminEmail,
      KEHU_ADMIN_PASSWORD: adminPassword,
      KEHU_JOB_POLL_SECONDS: '0.5',
    });
    admin = await signIn(kehu, adminEmail, adminPassword);
    const created = await admin.call('POST', '/users', {
      name: '没有角色',
      email: 'nobody@kehu.test',
      password: 'another long password 42',
      roleIds: [],
    });
    assert.equal(created.statusCode, 201, created.body);
    nobody = await signIn(kehu, 'nobody@kehu.test', 'another long password 42', '127.0.0.2');
  });
  after(async () => {
    await kehu.close();
    await smtp.close();
  });

  it('refuses users without the settings permissions', async () => {
    for (const [method, url] of [
      ['GET', '/settings'],
      ['PATCH', '/settings'],
      ['GET', '/settings/encryption'],
      ['POST', '/settings/encryption/rotate'],
      ['POST', '/settings/smtp/test'],
      ['GET', '/jobs'],
      ['GET', '/jobs/schedules'],
      ['POST', '/jobs/00000000-0000-4000-8000-000000000000/retry'],
    ] as const) {
      const res = await as(nobody, method, url, method === 'GET' ? undefined : {});
      assert.equal(res.statusCode, 403, `${method} ${url}`);
    }
  });

  it('starts with default settings and no mail server', async () => {
    const res = await as(admin, 'GET', '/settings');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), {
      businessName: 'Kehu',
      timeZone: 'Asia/Shanghai',
      defaultLocale: 'zh-CN',
      smtp: null,
    });
    const test = await as(admin, 'POST', '/settings/smtp/test', { to: 'me@example.com' }, 'zh-CN');
    assert.equal(test.statusCode, 409);
    assert.equal(test.json().error.code, 'mail_not_configured');
    assert.match(test.json().error.message, /尚未配置发信服务器/);
  });

  it('validates each field and names it, in the reader’s language', async () => {
    const bad = async (payload: unknown, field: string, code: string, lang = 'en') => {
      const res = await as(admin, 'PATCH', '/settings', payload, lang);
      assert.equal(res.statusCode, 422, `${JSON.stringify(payload)} → ${res.body}`);
      const f = (res.json().error.fields as { field: string; code: string; message: string }[]).find(
        (x) => x.field === field,
      );
      assert.ok(f, `no error for ${field}: ${res.body}`);
      assert.equal(f.code, code);
      return f.message;
    };
    assert.match(
      await bad({ timeZone: 'Mars/Olympus' }, 'timeZone', 'invalid_time_zone', 'zh-CN'),
      /不是有效的 IANA 时区/,
    );
    assert.match(await bad({ timeZone: 'Mars/Olympus' }, 'timeZone', 'invalid_time_zone'), /not an IANA time zone/);
    await bad({ defaultLocale: 'fr' }, 'defaultLocale', 'invalid_value');
    await bad({ businessName: '' }, 'businessName', 'too_small');
    await bad({ businessName: 42 }, 'businessName', 'invalid_type');
    await bad({ colour: 'red' }, 'colour', 'unknown_field');
    await bad({ smtp: { host: 'smtp.example.com', port: '25' } }, 'smtp.port', 'invalid_type');
    await bad({ smtp: { host: 'smtp.example.com', port: 70000 } }, 'smtp.port', 'too_big');
    await bad({ smtp: { host: 'x; rm -rf /' } }, 'smtp.host', 'invalid_host');
    await bad({ smtp: { fromAddress: 'not-an-email' } }, 'smtp.fromAddress', 'invalid_format');
    await bad({ smtp: { host: 'smtp.example.com', hasPassword: true } }, 'smtp.hasPassword', 'unknown_field');
    // a partial smtp object is fine only once a complete one exists
    await bad({ smtp: { port: 25 } }, 'smtp.host', 'settings_smtp_incomplete');
  });

  it('saves settings, keeps the SMTP password write-only and encrypted, and audits field names only', async () => {
    const name = `<script>alert(1)</script>'; DROP TABLE settings; --`;
    const res = await as(admin, 'PATCH', '/settings', {
      businessName: name,
      defaultLocale: 'en',
      smtp: {
        host: '127.0.0.1',
        port: smtp.port,
        secure: false,
        user: 'kehu',
        password: smtpPassword,
        fromAddress: 'noreply@kehu.example',
        fromName: '客户',
      },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), {
      businessName: name,
      timeZone: 'Asia/Shanghai',
      defaultLocale: 'en',
      smtp: {
        host: '127.0.0.1',
        port: smtp.port,
        secure: false,
        user: 'kehu',
        hasPassword: true,
        fromAddress: 'noreply@kehu.example',
        fromName: '客户',
      },
    });
    assert.ok(!res.body.includes(smtpPassword));
    assert.deepEqual((await as(admin, 'GET', '/settings')).json(), res.json());

    const [row] = await kehu.db.query<{ value: unknown; secret_enc: string }>(
      `SELECT value, secret_enc FROM settings WHERE key = 'smtp'`,
    );
    assert.ok(!JSON.stringify(row.value).includes(smtpPassword));
    assert.equal(tokenKeyId(row.secret_enc), 'k1');

    const audits = await kehu.db.query<{ details: { fields: string[] } }>(
      `SELECT details FROM audit_log WHERE action = 'settings.updated' ORDER BY id`,
    );
    assert.equal(audits.length, 1);
    assert.deepEqual(audits[0].details.fields.sort(), [
      'businessName',
      'defaultLocale',
      'smtp.fromAddress',
      'smtp.fromName',
      'smtp.host',
      'smtp.password',
      'smtp.port',
      'smtp.secure',
      'smtp.user',
    ]);
    const auditText = JSON.stringify(await kehu.db.query('SELECT * FROM audit_log'));
    assert.ok(!auditText.includes(smtpPassword));

    // a partial change keeps the rest, including the password
    const partial = await as(admin, 'PATCH', '/settings', { smtp: { fromName: '客户关系' } });
    assert.equal(partial.json().smtp.hasPassword, true);
    assert.equal(partial.json().smtp.host, '127.0.0.1');
    const publicSettings = await kehu.platform.settings.getPublic();
    assert.deepEqual(publicSettings, { businessName: name, timeZone: 'Asia/Shanghai', defaultLocale: 'en' });
  });

  it('sends a test mail through the real SMTP server, and reports failures in the reader’s language', async () => {
    const ok = await as(admin, 'POST', '/settings/smtp/test', { to: '王芳 <wangfang@example.com>' });
    assert.equal(ok.statusCode, 422, 'a display name is not an address');
    const sent = await as(admin, 'POST', '/settings/smtp/test', { to: 'wangfang@example.com' }, 'zh-CN');
    assert.equal(sent.statusCode, 200, sent.body);
    assert.equal(sent.json().ok, true);
    const mail = smtp.received.at(-1)!;
    assert.equal(mail.subject, 'Kehu 客户：测试邮件');
    assert.match(mail.text ?? '', /测试邮件/);
    assert.equal(mail.from?.value[0].name, '客户关系');

    await as(admin, 'PATCH', '/settings', { smtp: { password: 'wrong password' } });
    const zh = await as(admin, 'POST', '/settings/smtp/test', { to: 'wangfang@example.com' }, 'zh-CN');
    assert.equal(zh.json().ok, false);
    assert.equal(zh.json().error.code, 'mail_auth_failed');
    assert.match(zh.json().error.message, /拒绝了用户名或密码/);
    const en = await as(admin, 'POST', '/settings/smtp/test', { to: 'wangfang@example.com' }, 'en');
    assert.match(en.json().error.message, /refused the user name or password/);
    assert.ok(!en.body.includes('wrong password'));

    await as(admin, 'PATCH', '/settings', { smtp: { password: smtpPassword, port: 1 } });
    const down = await as(admin, 'POST', '/settings/smtp/test', { to: 'wangfang@example.com' });
    assert.equal(down.json().error.code, 'mail_unreachable');
    await as(admin, 'PATCH', '/settings', { smtp: { port: smtp.port } });
    assert.ok(!kehu.logs().includes(smtpPassword), 'the SMTP password never reaches the log');
  });

  it('lists schedules in the business time zone and follows a change of it', async () => {
    const res = await as(admin, 'GET', '/jobs/schedules');
    assert.equal(res.statusCode, 200);
    const prune = (res.json().items as { name: string; timeZone: string; cron: string; nextRunAt: string }[]).find(
      (s) => s.name === 'events.prune',
    );
    assert.ok(prune);
    assert.equal(prune.timeZone, 'Asia/Shanghai');
    assert.equal(prune.cron, '30 3 * * *');
    assert.ok(Date.parse(prune.nextRunAt) > Date.now());
    const patched = await as(admin, 'PATCH', '/settings', { timeZone: 'Europe/Berlin' });
    assert.equal(patched.json().timeZone, 'Europe/Berlin');
    const after = (await as(admin, 'GET', '/jobs/schedules')).json().items as { name: string; timeZone: string }[];
    assert.equal(after.find((s) => s.name === 'events.prune')?.timeZone, 'Europe/Berlin');
  });

  it('rotates the encryption key: a background job re-encrypts the SMTP password, visible with progress', async () => {
    const before = (await as(admin, 'GET', '/settings/encryption')).json() as {
      keys: { id: string; active: boolean }[];
    };
    assert.deepEqual(
      { ...before, keys: before.keys.map((k) => [k.id, k.active]) },
      { activeKeyId: 'k1', keys: [['k1', true]], masterKeySource: 'env' },
    );
    const res = await as(admin, 'POST', '/settings/encryption/rotate');
    assert.equal(res.statusCode, 202);
    const { keyId, jobId } = res.json();
    assert.equal(keyId, 'k2');
    const job = await until(async () => {
      const page = (await as(admin, 'GET', '/jobs?name=crypto.reencrypt')).json();
      const j = (page.items as Json[]).find((x) => x.id === jobId);
      return j?.state === 'completed' && j;
    }, 're-encryption');
    assert.equal(job.progress, 100);
    const [row] = await kehu.db.query<{ secret_enc: string }>(`SELECT secret_enc FROM settings WHERE key = 'smtp'`);
    assert.equal(tokenKeyId(row.secret_enc), 'k2');
    const sent = await as(admin, 'POST', '/settings/smtp/test', { to: 'wangfang@example.com' });
    assert.equal(sent.json().ok, true, 'the password still decrypts after rotation');
    const status = (await as(admin, 'GET', '/settings/encryption')).json();
    assert.equal(status.activeKeyId, 'k2');
    const rotations = await kehu.db.query(`SELECT 1 FROM audit_log WHERE action = 'encryption.rotated'`);
    assert.equal(rotations.length, 1);
  });

  it('shows a failing job retrying, then failed with its error; an administrator can retry it', async () => {
    kehu.platform.jobs.define(
      'test.always-fails',
      async () => {
        throw new Error('上游服务不可用');
      },
      { retryLimit: 1, retryDelay: 1, retryBackoff: false },
    );
    const id = await kehu.platform.jobs.send('test.always-fails', { n: 1 });
    const failed = await until(async () => {
      const page = (await as(admin, 'GET', '/jobs?state=failed&name=test.always-fails')).json();
      return (page.items as Json[]).find((j) => j.id === id);
    }, 'failed job');
    assert.equal(failed.retryCount, 1);
    assert.equal(failed.error, '上游服务不可用');
    const page = (await as(admin, 'GET', '/jobs?name=test.always-fails')).json();
    assert.equal(page.counts.failed, 1);

    const retried = await as(admin, 'POST', `/jobs/${id}/retry`);
    assert.equal(retried.statusCode, 200, retried.body);
    assert.deepEqual(retried.json(), { id, name: 'test.always-fails', state: 'retry' });
    const again = await as(admin, 'POST', `/jobs/${id}/retry`, undefined, 'zh-CN');
    if (again.statusCode === 409) assert.match(again.json().error.message, /只有失败的任务可以重试/);
    const audit = await kehu.db.query(`SELECT 1 FROM audit_log WHERE action = 'job.retried' AND entity_id = $1`, [id]);
    assert.equal(audit.length, 1);
  });

  it('rejects bad job queries and ids', async () => {
    for (const q of ['state=bogus', 'limit=0', 'limit=201', 'limit=abc', 'colour=red']) {
      const res = await as(admin, 'GET', `/jobs?${q}`);
      assert.equal(res.statusCode, 422, q);
    }
    assert.equal((await as(admin, 'POST', '/jobs/not-a-uuid/retry')).statusCode, 422);
    const missing = await as(admin, 'POST', '/jobs/00000000-0000-4000-8000-000000000000/retry');
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().error.code, 'not_found');
    const completed = (await as(admin, 'GET', '/jobs?state=completed&limit=1')).json().items[0] as Json;
    const conflict = await as(admin, 'POST', `/jobs/${String(completed.id)}/retry`);
    assert.equal(conflict.statusCode, 409);
    assert.equal(conflict.json().error.code, 'job_not_retryable');
    // paging walks every job exactly once
    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const res = await as(admin, 'GET', `/jobs?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      const body = res.json() as { items: Json[]; nextCursor: string | null };
      for (const j of body.items) seen.add(String(j.id));
      cursor = body.nextCursor;
    } while (cursor);
    const total = (await as(admin, 'GET', '/jobs?limit=200')).json().items.length;
    assert.equal(seen.size, total);
  });

  it('lets any signed-in user read the business name and time zone, and nothing more', async () => {
    await as(admin, 'PATCH', '/settings', { businessName: '悦享生活', timeZone: 'Asia/Urumqi' });
    const res = await as(nobody, 'GET', '/settings/public');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(Object.keys(res.json()).sort(), ['businessName', 'defaultLocale', 'timeZone']);
    assert.equal(res.json().businessName, '悦享生活');
    assert.equal(res.json().timeZone, 'Asia/Urumqi');
    await as(admin, 'PATCH', '/settings', { businessName: 'Kehu', timeZone: 'Asia/Shanghai' });
  });
});
