import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  adminEmail,
  adminPassword,
  createClockedKehu,
  signIn,
  type ClockedKehu,
  type Session,
} from '../../../test/auth-fixtures.ts';
import { until } from '../../../test/until.ts';

const missingId = '00000000-0000-4000-8000-000000000000';
const hangzhou = { province: '浙江省', city: '杭州市' };
const nanjing = { province: '江苏省', city: '南京市' };

type Pair = {
  id: string;
  rules: string[];
  score: number;
  status: string;
  autoRefusal: string | null;
  customers: { id: string; name: string }[];
};

describe('customers: duplicate detection, review and automatic merge rules', () => {
  let kehu: ClockedKehu;
  let admin: Session;
  let manager: Session; // service_manager: view, edit, reveal (not manage)
  let reader: Session; // read_only

  async function userWith(name: string, roleKey: string): Promise<Session> {
    const roles = (await admin.call('GET', '/roles')).json().items as { id: string; key: string | null }[];
    const email = `${name}@kehu.test`;
    const res = await admin.call('POST', '/users', {
      name,
      email,
      password: `${name} password 123`,
      roleIds: [roles.find((r) => r.key === roleKey)!.id],
    });
    assert.equal(res.statusCode, 201, res.body);
    return signIn(kehu, email, `${name} password 123`);
  }

  async function customer(body: Record<string, unknown>): Promise<string> {
    const res = await admin.call('POST', '/customers', body);
    assert.equal(res.statusCode, 201, res.body);
    kehu.advance(1000); // distinct creation times: an automatic merge keeps the older record
    return res.json().id as string;
  }

  /** The pair of two customers, whatever its status (null when none). */
  async function pairOf(x: string, y: string): Promise<Pair | null> {
    for (const status of ['open', 'dismissed']) {
      const res = await manager.call('GET', `/customers/duplicates?status=${status}&customerId=${x}&limit=200`);
      assert.equal(res.statusCode, 200, res.body);
      const hit = (res.json().items as Pair[]).find((p) => p.customers.some((c) => c.id === y));
      if (hit) return hit;
    }
    return null;
  }

  async function runJob(url: string): Promise<void> {
    const res = await manager.call('POST', url);
    assert.equal(res.statusCode, 202, res.body);
    const jobId = res.json().jobId as string;
    await until(async () => (await kehu.platform.jobs.find(jobId))?.state === 'completed', url);
  }

  /** Inserts customers straight into the table, as a bulk load would, without any detection. */
  async function insertQuietly(rows: { name: string; birthday?: string; city?: string }[]): Promise<string[]> {
    const inserted = await kehu.db.query<{ id: string }>(
      `insert into customers (name, birthday, province, city)
       select n, b::date, case when c is null then null else '浙江省' end, c
         from unnest($1::text[], $2::text[], $3::text[]) as r(n, b, c)
       returning id`,
      [rows.map((r) => r.name), rows.map((r) => r.birthday ?? null), rows.map((r) => r.city ?? null)],
    );
    await kehu.db.query('insert into customer_stats (customer_id) select unnest($1::uuid[])', [
      inserted.map((r) => r.id),
    ]);
    return inserted.map((r) => r.id);
  }

  before(async () => {
    kehu = await createClockedKehu({
      KEHU_ADMIN_EMAIL: adminEmail,
      KEHU_ADMIN_PASSWORD: adminPassword,
      KEHU_JOB_POLL_SECONDS: '0.5',
    });
    admin = await signIn(kehu, adminEmail, adminPassword);
    manager = await userWith('manager', 'service_manager');
    reader = await userWith('reader', 'read_only');
  });
  after(async () => kehu.close());

  let liA: string;
  let liB: string;
  let liC: string;

  it('finds same name + birthday + city (80), same name + birthday (60) as staff write', async () => {
    liA = await customer({ name: '李娜', birthday: '1990-02-03', ...hangzhou });
    liB = await customer({ name: '李娜', birthday: '1990-02-03', ...hangzhou, email: 'lina@example.com' });
    liC = await customer({ name: '李娜', birthday: '1990-02-03', ...nanjing });
    await customer({ name: '李娜', birthday: '1991-02-03', ...nanjing }); // another birthday: not a duplicate by birthday

    const ab = await pairOf(liA, liB);
    assert.ok(ab);
    assert.deepEqual(ab.rules, ['nameBirthdayCity']);
    assert.equal(ab.score, 80);
    assert.equal(ab.status, 'open');
    assert.equal(ab.customers[0].id, [liA, liB].sort()[0]);
    const ac = await pairOf(liA, liC);
    assert.deepEqual(ac?.rules, ['nameBirthday']);
    assert.equal(ac?.score, 60);
    assert.ok(await pairOf(liB, liC));

    const byRule = (await manager.call('GET', '/customers/duplicates?rule=nameBirthday')).json();
    assert.equal(byRule.items.length, 2);
    const best = (await manager.call('GET', '/customers/duplicates?minScore=70')).json();
    assert.deepEqual(
      best.items.map((p: Pair) => p.id),
      [ab.id],
    );
    assert.equal(best.counts.open, 3, 'the other-birthday 李娜 in 南京 shares only name and city: no pair');

    // pages by keyset
    const first = (await manager.call('GET', '/customers/duplicates?limit=2')).json();
    assert.equal(first.items.length, 2);
    const second = (await manager.call('GET', `/customers/duplicates?limit=2&cursor=${first.nextCursor}`)).json();
    assert.equal(second.items.length, 1);
    assert.equal(new Set([...first.items, ...second.items].map((p: Pair) => p.id)).size, 3);
    assert.equal(second.nextCursor, null);

    const bad = await manager.call('GET', '/customers/duplicates?minScore=200');
    assert.equal(bad.statusCode, 422);
    assert.equal((await reader.call('GET', '/customers/duplicates')).statusCode, 200);
  });

  it('never pairs on name and city alone; a full scan drops such pairs recorded before', async () => {
    // few share the name, one has no birthday, the other two differ: nothing says they are one person
    const ids = [
      await customer({ name: '王伟', ...nanjing }),
      await customer({ name: '王伟', birthday: '1988-08-08', ...nanjing }),
      await customer({ name: '王伟', birthday: '1989-09-09', ...nanjing }),
    ];
    for (const id of ids.slice(1)) assert.equal(await pairOf(ids[0], id), null);
    assert.equal(await pairOf(ids[1], ids[2]), null);
    // a pair the retired name-and-city rule recorded still reads, until a full scan does not find it again
    const [a, b] = [...ids.slice(0, 2)].sort();
    await kehu.db.query(
      `insert into customer_duplicates (customer_a, customer_b, rules, score, status, detected_at, seen_at)
       values ($1, $2, '{nameCity}', 50, 'open', '2020-01-01', '2020-01-01')`,
      [a, b],
    );
    assert.deepEqual((await pairOf(a, b))?.rules, ['nameCity']);
    await runJob('/customers/duplicates/scan');
    assert.equal(await pairOf(a, b), null);
    assert.ok(await pairOf(liA, liB), 'the other pairs are found again');
  });

  it('finds the same ID number (95), compared decrypted', async () => {
    const x = await customer({ name: '赵敏', idNumber: '11010519491231002X' });
    const y = await customer({ name: '赵敏敏', idNumber: '11010519491231002x' });
    const z = await customer({ name: '周芷若', idNumber: '110105194912310038' }); // another number
    const pair = await pairOf(x, y);
    assert.deepEqual(pair?.rules, ['idNumber']);
    assert.equal(pair?.score, 95);
    assert.equal(await pairOf(x, z), null);
  });

  it('records customers one collected record pointed at together (90)', async () => {
    const a = await customer({ name: '陈晨', mobile: '13700137001' });
    const b = await customer({ name: 'Chen Chen', email: 'chenchen@example.com' });
    const collector = await kehu.faces.customers.collector();
    const result = await kehu.db.transaction((tx) =>
      collector.resolve(tx, {
        profile: { mobile: '13700137001', email: 'chenchen@example.com' },
        onMatch: 'fillEmpty',
        source: 'form',
      }),
    );
    assert.deepEqual(result.conflicts, [b]);
    const pair = await pairOf(a, b);
    assert.deepEqual(pair?.rules, ['collected']);
    assert.equal(pair?.score, 90);
  });

  it('checks what collectors write off their path, through a queue', async () => {
    const known = await customer({ name: '孙悦', birthday: '1985-07-07', ...hangzhou });
    const collector = await kehu.faces.customers.collector();
    const [created] = await kehu.db.transaction((tx) =>
      collector.resolveMany(tx, [
        {
          profile: { name: '孙悦', birthday: '1985-07-07', ...hangzhou, mobile: '13600136001' },
          onMatch: 'fillEmpty',
          source: 'import',
        },
      ]),
    );
    assert.ok('customerId' in created);
    const pair = await until(() => pairOf(known, created.customerId), 'the queued check');
    assert.deepEqual(pair.rules, ['nameBirthdayCity']);
    const [{ n }] = await kehu.db.query<{ n: number }>('select count(*)::int as n from customer_duplicate_queue');
    assert.equal(n, 0);
  });

  it('scans everyone in a job, bucket by bucket, and drops pairs it no longer finds', async () => {
    const [p, q] = await insertQuietly([
      { name: '欧阳锋', birthday: '1970-01-01', city: '杭州市' },
      { name: '欧阳锋', birthday: '1970-01-01', city: '杭州市' },
    ]);
    assert.equal(await pairOf(p, q), null, 'nothing checked them yet');
    const res = await manager.call('POST', '/customers/duplicates/scan');
    assert.equal(res.statusCode, 202);
    const jobId = res.json().jobId as string;
    await until(async () => (await kehu.platform.jobs.find(jobId))?.state === 'completed', 'the scan');
    assert.equal((await kehu.platform.jobs.find(jobId))?.progress, 100);
    assert.deepEqual((await pairOf(p, q))?.rules, ['nameBirthdayCity']);

    await kehu.db.query(`update customers set name = '欧阳克' where id = $1`, [q]);
    await runJob('/customers/duplicates/scan');
    assert.equal(await pairOf(p, q), null);
    assert.equal((await reader.call('POST', '/customers/duplicates/scan')).statusCode, 403);
  });

  it('remembers “not the same person” until either record’s identifiers change', async () => {
    const pair = (await pairOf(liA, liB))!;
    assert.equal((await reader.call('POST', `/customers/duplicates/${pair.id}/dismiss`)).statusCode, 403);
    const res = await manager.call('POST', `/customers/duplicates/${pair.id}/dismiss`);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().status, 'dismissed');
    assert.equal(res.json().decidedBy.name, 'manager');
    const twice = await manager.call('POST', `/customers/duplicates/${pair.id}/dismiss`);
    assert.equal(twice.statusCode, 409);
    assert.equal((await manager.call('POST', `/customers/duplicates/${missingId}/dismiss`)).statusCode, 404);
    const open = (await manager.call('GET', `/customers/duplicates?customerId=${liA}`)).json();
    assert.ok(!open.items.some((p: Pair) => p.id === pair.id));

    // found again by a scan and by an edit that leaves identifiers alone: still dismissed
    await runJob('/customers/duplicates/scan');
    assert.equal((await pairOf(liA, liB))?.status, 'dismissed');
    assert.equal((await admin.call('PATCH', `/customers/${liA}`, { occupation: '教师' })).statusCode, 200);
    assert.equal((await pairOf(liA, liB))?.status, 'dismissed');

    // an identifier changes: proposed again
    assert.equal((await admin.call('PATCH', `/customers/${liA}`, { email: 'li.na@example.com' })).statusCode, 200);
    const again = await pairOf(liA, liB);
    assert.equal(again?.status, 'open');
    assert.equal(again?.id, pair.id);

    // and a decision can be taken back
    assert.equal((await manager.call('POST', `/customers/duplicates/${pair.id}/dismiss`)).statusCode, 200);
    const reopened = await manager.call('POST', `/customers/duplicates/${pair.id}/reopen`);
    assert.equal(reopened.statusCode, 200);
    assert.equal(reopened.json().status, 'open');
    const audited = await kehu.db.query(`select 1 from audit_log where action = 'customer.duplicate_dismissed'`);
    assert.equal(audited.length, 2);
  });

  it('merges automatically only by enabled rules, never across verified mobiles or conflicting consents', async () => {
    const defaults = (await manager.call('GET', '/customers/merge-settings')).json();
    assert.ok(
      defaults.autoRules.every((r: { enabled: boolean }) => !r.enabled),
      'all off by default',
    );
    const rules = [
      { rule: 'idNumber', enabled: true, verifiedOnly: false },
      { rule: 'identifier', enabled: true, verifiedOnly: true },
    ];
    assert.equal((await manager.call('PUT', '/customers/merge-settings', { autoRules: rules })).statusCode, 403);
    const bad = await admin.call('PUT', '/customers/merge-settings', {
      autoRules: [{ rule: 'nameCity', enabled: true }],
    });
    assert.equal(bad.statusCode, 422);
    const saved = await admin.call('PUT', '/customers/merge-settings', { autoRules: rules });
    assert.equal(saved.statusCode, 200, saved.body);
    assert.equal(saved.json().autoRules.find((r: { rule: string }) => r.rule === 'idNumber').enabled, true);

    const mergedBy = async (survivor: string) =>
      (
        await kehu.db.query<{ merged_id: string; auto_rule: string }>(
          'select merged_id, auto_rule from customer_merges where survivor_id = $1 and undone_at is null',
          [survivor],
        )
      )[0];

    // same ID number, enabled: merged into the older record by the system
    const older = await customer({ name: '郭靖', idNumber: '110101199003070011', ...hangzhou });
    const newer = await customer({ name: '郭靖', idNumber: '110101199003070011', mobile: '13500135001' });
    const merge = await until(() => mergedBy(older), 'the automatic merge');
    assert.equal(merge.merged_id, newer);
    assert.equal(merge.auto_rule, 'idNumber');
    const [audit] = await kehu.db.query<{ actor_kind: string; actor_name: string }>(
      `select actor_kind, actor_name from audit_log where action = 'customer.merged' and entity_id = $1`,
      [older],
    );
    assert.deepEqual(audit, { actor_kind: 'system', actor_name: 'auto-merge' });

    // conflicting consent: one granted what the other withdrew
    const granted = await customer({ name: '黄蓉', idNumber: '110101199204050025' });
    const withdrawn = await customer({ name: '黄蓉儿' });
    const consent = (id: string, isGranted: boolean) =>
      admin.call('POST', `/customers/${id}/consents`, {
        purpose: 'marketing',
        channel: 'email',
        granted: isGranted,
        policyText: isGranted ? '同意接收邮件' : null,
      });
    assert.equal((await consent(granted, true)).statusCode, 201);
    assert.equal((await consent(withdrawn, false)).statusCode, 201);
    await admin.call('PATCH', `/customers/${withdrawn}`, { idNumber: '110101199204050025' });
    const refused = await until(async () => {
      const p = await pairOf(granted, withdrawn);
      return p?.autoRefusal ? p : null;
    }, 'the consent refusal');
    assert.equal(refused.autoRefusal, 'consentConflict');
    assert.equal(refused.status, 'open');

    // different verified mobiles
    const q1 = await customer({ name: '杨过', mobile: '13400134001', idNumber: '110101199508090034' });
    const q2 = await customer({ name: '杨过', mobile: '13400134002' });
    for (const id of [q1, q2]) {
      const ok = await kehu.db.transaction((tx) =>
        kehu.faces.customers.markIdentifierVerified(tx, {
          customerId: id,
          field: 'mobile',
          source: 'sms',
          at: kehu.now(),
        }),
      );
      assert.equal(ok, true);
    }
    const foreign = await kehu.db.transaction((tx) =>
      kehu.faces.customers.markIdentifierVerified(tx, {
        customerId: q1,
        field: 'mobile',
        value: '13400134002',
        source: 'sms',
        at: kehu.now(),
      }),
    );
    assert.equal(foreign, false, 'a value the customer does not hold is not verified for them');
    await admin.call('PATCH', `/customers/${q2}`, { idNumber: '110101199508090034' });
    const differ = await until(async () => {
      const p = await pairOf(q1, q2);
      return p?.autoRefusal ? p : null;
    }, 'the verified-mobiles refusal');
    assert.equal(differ.autoRefusal, 'verifiedMobilesDiffer');

    // an identifier kept from a merge: merged automatically only when it was verified
    const r1 = await customer({ name: '小龙女', mobile: '13300133001' });
    const r2 = await customer({ name: '龙姑娘', mobile: '13300133002' });
    await kehu.db.transaction((tx) =>
      kehu.faces.customers.markIdentifierVerified(tx, {
        customerId: r1,
        field: 'mobile',
        source: 'form:test',
        at: kehu.now(),
      }),
    );
    assert.equal((await manager.call('POST', '/customers/merge', { survivorId: r2, mergedId: r1 })).statusCode, 200);
    const r3 = await customer({ name: '小龙女', mobile: '13300133001' }); // r1's mobile: an alias of r2 now
    const byIdentifier = await until(async () => {
      const rows = await kehu.db.query<{ merged_id: string; auto_rule: string }>(
        'select merged_id, auto_rule from customer_merges where survivor_id = $1 and merged_id = $2',
        [r2, r3],
      );
      return rows[0];
    }, 'the identifier merge');
    assert.equal(byIdentifier.auto_rule, 'identifier');

    const s1 = await customer({ name: '尹志平', mobile: '13200132001' });
    const s2 = await customer({ name: '尹道长', mobile: '13200132002' });
    assert.equal((await manager.call('POST', '/customers/merge', { survivorId: s2, mergedId: s1 })).statusCode, 200);
    const s3 = await customer({ name: '尹志平', mobile: '13200132001' });
    const unverified = await until(async () => {
      const p = await pairOf(s2, s3);
      return p?.autoRefusal ? p : null;
    }, 'the not-verified refusal');
    assert.deepEqual(unverified.rules, ['identifier']);
    assert.equal(unverified.score, 100);
    assert.equal(unverified.autoRefusal, 'notVerified');
  });
});
