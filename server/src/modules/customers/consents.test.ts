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
import { insertCustomer, signInWith } from '../../../test/role-fixtures.ts';

const missingId = '00000000-0000-4000-8000-000000000000';
type Consents = {
  current: { purpose: string; channel: string; status: string; source: string; at: string }[];
  history: { id: string; purpose: string; status: string; policyText: string | null; actor: { name: string } | null }[];
};

describe('customers: consent records (history, current state, staff recording)', () => {
  let kehu: ClockedKehu;
  let admin: Session;
  let viewer: Session;
  let customerId: string;

  const consents = async (id = customerId): Promise<Consents> => {
    const res = await admin.call('GET', `/customers/${id}/consents`);
    assert.equal(res.statusCode, 200, res.body);
    return res.json();
  };

  before(async () => {
    kehu = await createClockedKehu({ KEHU_ADMIN_EMAIL: adminEmail, KEHU_ADMIN_PASSWORD: adminPassword });
    admin = await signIn(kehu, adminEmail, adminPassword);
    viewer = await signInWith(kehu, admin, 'viewer@kehu.test', { key: 'read_only' });
    customerId = await insertCustomer(kehu.db, '韩梅梅');
  });
  after(() => kehu.close());

  it('starts empty, and needs the words agreed to for a grant (not for a withdrawal)', async () => {
    assert.deepEqual(await consents(), { current: [], history: [] });
    const res = await admin.call('POST', `/customers/${customerId}/consents`, {
      purpose: 'marketing',
      channel: 'sms',
      granted: true,
    });
    assert.equal(res.statusCode, 422, res.body);
    assert.equal(res.json().error.fields[0].field, 'policyText');
    const bad = await admin.call('POST', `/customers/${customerId}/consents`, {
      purpose: 'spam',
      channel: 'pigeon',
      granted: 'yes',
    });
    assert.equal(bad.statusCode, 422);
    assert.deepEqual((bad.json().error.fields as { field: string }[]).map((f) => f.field).sort(), [
      'channel',
      'granted',
      'purpose',
    ]);
  });

  it('records a grant and a withdrawal by staff: history, current state, timeline, audit', async () => {
    const grant = await admin.call('POST', `/customers/${customerId}/consents`, {
      purpose: 'marketing',
      channel: 'sms',
      granted: true,
      policyText: '电话中口头同意接收短信优惠通知',
      policyVersion: '2026-01',
    });
    assert.equal(grant.statusCode, 201, grant.body);
    assert.deepEqual(
      grant.json().current.map((c: Consents['current'][number]) => [c.purpose, c.channel, c.status, c.source]),
      [['marketing', 'sms', 'granted', 'staff']],
    );
    kehu.advance(60_000);
    const withdraw = await admin.call('POST', `/customers/${customerId}/consents`, {
      purpose: 'marketing',
      channel: 'sms',
      granted: false,
    });
    assert.equal(withdraw.statusCode, 201, withdraw.body);
    const after = await consents();
    assert.equal(after.current.length, 1);
    assert.equal(after.current[0].status, 'withdrawn');
    assert.deepEqual(
      after.history.map((h) => [h.status, h.policyText]),
      [
        ['withdrawn', null],
        ['granted', '电话中口头同意接收短信优惠通知'],
      ],
    );
    assert.ok(after.history[0].actor?.name, 'the staff member is named');

    const timeline = (await admin.call('GET', `/customers/${customerId}/timeline?kinds=consent`)).json();
    assert.deepEqual(
      timeline.items.map((a: { kind: string }) => a.kind),
      ['consent.withdrawn', 'consent.granted'],
    );
    const audit = (await admin.call('GET', `/audit?entityId=${customerId}`)).json();
    const actions = (audit.items as { action: string }[]).map((a) => a.action);
    assert.ok(actions.includes('customer.consent_granted') && actions.includes('customer.consent_withdrawn'));
  });

  it('keeps the latest decision per purpose and channel; a pending grant never replaces a confirmed one', async () => {
    const face = kehu.faces.customers;
    const id = await insertCustomer(kehu.db, '李雷');
    const at = (iso: string) => new Date(iso);
    const base = {
      customerId: id,
      purpose: 'newsletter',
      channel: 'email',
      source: 'test',
      policyText: '订阅',
    } as const;
    await kehu.db.transaction(async (tx) => {
      await face.recordConsent(tx, { ...base, granted: true, at: at('2026-03-01T00:00:00Z') });
      // a double opt-in asked again later: stays granted until (and unless) confirmed
      const pending = await face.recordConsent(tx, {
        ...base,
        granted: true,
        pending: true,
        at: at('2026-04-01T00:00:00Z'),
      });
      assert.deepEqual([pending.status, pending.isCurrent], ['pending', false]);
      // an older withdrawal recorded late (an import) is history, not the current state
      const late = await face.recordConsent(tx, { ...base, granted: false, at: at('2026-02-01T00:00:00Z') });
      assert.equal(late.isCurrent, false);
      await face.recordConsent(tx, {
        ...base,
        channel: 'sms',
        granted: true,
        pending: true,
        at: at('2026-03-05T00:00:00Z'),
      });
    });
    const c = await consents(id);
    assert.deepEqual(
      c.current.map((s) => [s.channel, s.status, s.at]),
      [
        ['email', 'granted', '2026-03-01T00:00:00.000Z'],
        ['sms', 'pending', '2026-03-05T00:00:00.000Z'],
      ],
    );
    assert.equal(c.history.length, 4);
    const [state] = await kehu.db.query<{ n: number }>(
      `select count(*)::int as n from customer_consent_state
        where purpose = 'newsletter' and channel = 'email' and status = 'granted'`,
    );
    assert.equal(state.n, 1, 'segments can count consenting customers from the state table');
  });

  it('refuses readers without customers.edit, unknown customers, and deletes consents with the customer', async () => {
    const res = await viewer.call('POST', `/customers/${customerId}/consents`, {
      purpose: 'marketing',
      channel: 'any',
      granted: false,
    });
    assert.equal(res.statusCode, 403);
    assert.equal((await viewer.call('GET', `/customers/${customerId}/consents`)).statusCode, 200);
    assert.equal((await admin.call('GET', `/customers/${missingId}/consents`)).statusCode, 404);
    const missing = await admin.call('POST', `/customers/${missingId}/consents`, {
      purpose: 'marketing',
      channel: 'any',
      granted: false,
    });
    assert.equal(missing.statusCode, 404);
    const del = await admin.call('DELETE', `/customers/${customerId}?confirm=true`);
    assert.equal(del.statusCode, 204, del.body);
    const [left] = await kehu.db.query<{ n: number }>(
      'select (select count(*) from customer_consents where customer_id = $1)::int + (select count(*) from customer_consent_state where customer_id = $1)::int as n',
      [customerId],
    );
    assert.equal(left.n, 0);
  });
});
