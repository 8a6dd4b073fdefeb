import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { until } from '../../../test/until.ts';
import {
  adminEmail,
  adminPassword,
  createClockedKehu,
  signIn,
  type ClockedKehu,
  type Session,
} from '../../../test/auth-fixtures.ts';

const missingId = '00000000-0000-4000-8000-000000000000';

type Counts = Record<string, number>;

describe('customers: merge, provenance and undo', () => {
  let kehu: ClockedKehu;
  let admin: Session;
  let manager: Session; // service_manager: view, edit, reveal
  let marketer: Session; // marketing: view, create, edit (no reveal)
  let reader: Session; // read_only: view

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
    return res.json().id as string;
  }

  async function order(customerId: string, externalId: string, paid: string) {
    const res = await admin.call('POST', '/orders', {
      customerId,
      externalId,
      source: 'pos',
      paidAmount: paid,
      placedAt: '2026-10-01T10:00:00+08:00',
      items: [
        { sku: 'TEA-1', name: '龙井', quantity: 1, price: paid },
        { sku: 'CUP-1', name: '茶杯', quantity: 1, price: '0.00' },
      ],
    });
    assert.equal(res.statusCode, 201, res.body);
    return res.json().id as string;
  }

  /** Every row the customer holds, per table (what a merge must move and an undo put back). */
  async function holdings(id: string): Promise<Counts> {
    const [r] = await kehu.db.query<Counts>(
      `select (select count(*)::int from activities where customer_id = $1) as timeline,
              (select count(*)::int from orders where customer_id = $1) as orders,
              (select count(*)::int from order_items where customer_id = $1) as items,
              (select count(*)::int from order_changes where customer_id = $1) as changes,
              (select count(*)::int from customer_identities where customer_id = $1) as identities,
              (select count(*)::int from customer_consents where customer_id = $1) as consents,
              (select count(*)::int from customer_consent_state where customer_id = $1) as consent_state,
              (select count(*)::int from customer_aliases where customer_id = $1) as aliases`,
      [id],
    );
    return r;
  }

  async function idsOf(table: string, customerId: string): Promise<string[]> {
    const rows = await kehu.db.query<{ id: string }>(
      `select id::text as id from ${table} where customer_id = $1 order by id`,
      [customerId],
    );
    return rows.map((r) => r.id);
  }

  async function reveal(id: string, field: string): Promise<string | null> {
    const res = await admin.call('POST', `/customers/${id}/reveal`, { field });
    assert.equal(res.statusCode, 200, res.body);
    return res.json().value as string | null;
  }

  before(async () => {
    kehu = await createClockedKehu({
      KEHU_ADMIN_EMAIL: adminEmail,
      KEHU_ADMIN_PASSWORD: adminPassword,
      KEHU_JOB_POLL_SECONDS: '0.5',
    });
    admin = await signIn(kehu, adminEmail, adminPassword);
    manager = await userWith('manager', 'service_manager');
    marketer = await userWith('marketer', 'marketing');
    reader = await userWith('reader', 'read_only');
  });
  after(async () => kehu.close());

  let survivorId: string;
  let mergedId: string;
  let start: { survivor: Counts; merged: Counts; mergedRows: Record<string, string[]> };
  let mergedBefore: Record<string, unknown>;
  let mergeId: string;

  it('previews a merge (dry run) without writing anything', async () => {
    survivorId = await customer({
      name: '张伟',
      mobile: '13800138001',
      birthday: '1988-05-01',
      province: '浙江省',
      city: '杭州市',
      tags: ['VIP'],
      occupation: '工程师',
    });
    kehu.advance(60_000);
    mergedId = await customer({
      name: '张伟',
      mobile: '13900139002',
      email: 'zhangwei@example.com',
      birthday: '1988-05-01',
      province: '浙江省',
      city: '杭州市',
      gender: 'male',
      tags: ['茶友', 'VIP'],
      idNumber: '11010519491231002X',
    });
    // the merged record's life: notes, tags, an external id, consents, orders
    assert.equal((await admin.call('POST', `/customers/${mergedId}/notes`, { text: '喜欢龙井' })).statusCode, 201);
    assert.equal((await admin.call('POST', `/customers/${mergedId}/notes`, { text: '周末到店' })).statusCode, 201);
    const consent = await admin.call('POST', `/customers/${mergedId}/consents`, {
      purpose: 'marketing',
      channel: 'sms',
      granted: true,
      policyText: '同意接收短信优惠',
    });
    assert.equal(consent.statusCode, 201, consent.body);
    const collector = await kehu.faces.customers.collector();
    await kehu.db.transaction((tx) =>
      collector.resolve(tx, {
        profile: { mobile: '13900139002' },
        ids: [{ kind: 'memberCard', namespace: 'pos', value: 'VIP-0002' }],
        onMatch: 'fillEmpty',
        source: 'import',
      }),
    );
    await order(mergedId, 'M-1', '128.00');
    await order(mergedId, 'M-2', '72.50');
    await order(survivorId, 'S-1', '10.00');
    // the scoring module rescores both in the background (timeline rows): let it finish first
    await until(async () => {
      const [{ n }] = await kehu.db.query<{ n: number }>(
        `select count(*)::int as n from pgboss.job where name in ('events.dispatch', 'scoring.rescore-customer')
            and state < 'completed'`,
      );
      return n === 0;
    }, 'background rescoring');

    start = {
      survivor: await holdings(survivorId),
      merged: await holdings(mergedId),
      mergedRows: {
        activities: await idsOf('activities', mergedId),
        orders: await idsOf('orders', mergedId),
        customer_identities: await idsOf('customer_identities', mergedId),
        customer_consents: await idsOf('customer_consents', mergedId),
      },
    };
    mergedBefore = (await admin.call('GET', `/customers/${mergedId}`)).json();
    assert.equal(start.merged.orders, 2);
    assert.equal(start.merged.identities, 1);

    const res = await manager.call('POST', '/customers/merge', {
      survivorId,
      mergedId,
      fields: { mobile: 'merged', gender: 'survivor' },
      dryRun: true,
    });
    assert.equal(res.statusCode, 200, res.body);
    const preview = res.json();
    assert.equal(preview.dryRun, true);
    assert.equal(preview.customer.id, survivorId);
    assert.equal(preview.customer.mobile, '+86 139****9002', 'the chosen mobile, masked');
    assert.match(preview.customer.email, /@example\.com$/, 'an empty field takes the merged value');
    assert.equal(preview.customer.gender, 'unknown', 'an explicit choice wins even when empty');
    assert.equal(preview.customer.occupation, '工程师');
    assert.deepEqual([...preview.customer.tags].sort(), ['VIP', '茶友'].sort());
    assert.equal(preview.customer.orderCount, 3);
    assert.equal(preview.customer.totalSpent, '210.50');
    assert.equal(preview.fields.mobile, 'merged');
    assert.equal(preview.fields.email, 'merged');
    assert.equal(preview.fields.occupation, 'survivor');
    assert.equal(preview.fields.gender, 'survivor');
    assert.deepEqual(preview.aliases, ['mobile']);
    assert.deepEqual(preview.tagsAdded, ['茶友']);
    assert.deepEqual(preview.blockers, []);
    assert.equal(preview.moves.orders, 2);
    assert.equal(preview.moves.timeline, start.merged.timeline);
    assert.equal(preview.moves.identities, 1);
    assert.equal(preview.moves.consents, 1);

    // nothing moved
    assert.deepEqual(await holdings(mergedId), start.merged);
    assert.deepEqual(await holdings(survivorId), start.survivor);
    const [{ n }] = await kehu.db.query<{ n: number }>('select count(*)::int as n from customer_merges');
    assert.equal(n, 0);
  });

  it('refuses bad input: itself (422), unknown ids (404), unknown fields (422), wrong types', async () => {
    const self = await manager.call('POST', '/customers/merge', { survivorId, mergedId: survivorId });
    assert.equal(self.statusCode, 422, self.body);
    assert.equal(self.json().error.fields[0].field, 'mergedId');
    assert.equal(self.json().error.code, 'customer_merge_same');

    const unknown = await manager.call('POST', '/customers/merge', { survivorId, mergedId: missingId });
    assert.equal(unknown.statusCode, 404, unknown.body);
    assert.equal(unknown.json().error.fields[0].field, 'mergedId');
    const unknownSurvivor = await manager.call('POST', '/customers/merge', { survivorId: missingId, mergedId });
    assert.equal(unknownSurvivor.statusCode, 404);
    assert.equal(unknownSurvivor.json().error.fields[0].field, 'survivorId');

    const field = await manager.call('POST', '/customers/merge', {
      survivorId,
      mergedId,
      fields: { shoeSize: 'merged', 'attributes.nothing': 'merged' },
      dryRun: true,
    });
    assert.equal(field.statusCode, 422, field.body);
    assert.deepEqual(
      field
        .json()
        .error.fields.map((f: { field: string }) => f.field)
        .sort(),
      ['fields.attributes.nothing', 'fields.shoeSize'],
    );
    const side = await manager.call('POST', '/customers/merge', { survivorId, mergedId, fields: { name: 'both' } });
    assert.equal(side.statusCode, 422, side.body);
    const notUuid = await manager.call('POST', '/customers/merge', { survivorId: 'x', mergedId });
    assert.equal(notUuid.statusCode, 422, notUuid.body);
    const extra = await manager.call('POST', '/customers/merge', { survivorId, mergedId, force: true });
    assert.equal(extra.statusCode, 422, extra.body);

    const zh = await kehu.app.inject({
      method: 'POST',
      url: '/api/v1/customers/merge',
      headers: { cookie: manager.cookie, 'x-csrf-token': manager.csrfToken, 'accept-language': 'zh-CN' },
      payload: { survivorId, mergedId: survivorId },
    });
    assert.equal(zh.json().error.message, '不能把客户与其自身合并');
    assert.deepEqual(await holdings(mergedId), start.merged);
  });

  it('checks permissions: merging needs customers.edit, clear identities customers.reveal', async () => {
    const denied = await reader.call('POST', '/customers/merge', { survivorId, mergedId, dryRun: true });
    assert.equal(denied.statusCode, 403);
    const undo = await reader.call('POST', `/customers/merges/${missingId}/undo`);
    assert.equal(undo.statusCode, 403);

    const masked = await marketer.call('GET', `/customers/duplicates/compare?a=${survivorId}&b=${mergedId}`);
    assert.equal(masked.statusCode, 200, masked.body);
    assert.equal(masked.json().revealed, false);
    assert.equal(masked.json().sides[1].customer.mobile, '+86 139****9002');
    assert.equal(masked.json().sides[1].counts.orders, 2);
    const noReveal = await marketer.call(
      'GET',
      `/customers/duplicates/compare?a=${survivorId}&b=${mergedId}&reveal=true`,
    );
    assert.equal(noReveal.statusCode, 403);

    const clear = await manager.call('GET', `/customers/duplicates/compare?a=${survivorId}&b=${mergedId}&reveal=true`);
    assert.equal(clear.statusCode, 200, clear.body);
    assert.equal(clear.json().sides[1].customer.mobile, '+8613900139002');
    assert.equal(clear.json().sides[1].customer.email, 'zhangwei@example.com');
    const audited = await kehu.db.query<{ entity_id: string }>(
      `select entity_id from audit_log where action = 'customer.revealed' and details->>'context' = 'merge-compare'`,
    );
    assert.deepEqual(audited.map((a) => a.entity_id).sort(), [survivorId, mergedId].sort());
  });

  it('merges in one transaction: every row moves, identifiers stay findable, the merged record answers 404 with a hint', async () => {
    const res = await manager.call('POST', '/customers/merge', {
      survivorId,
      mergedId,
      fields: { mobile: 'merged', name: 'survivor' },
    });
    assert.equal(res.statusCode, 200, res.body);
    const done = res.json();
    assert.equal(done.dryRun, false);
    mergeId = done.merge.id;
    assert.equal(done.merge.survivor.id, survivorId);
    assert.equal(done.merge.merged.id, mergedId);
    assert.equal(done.merge.merged.name, '张伟');
    assert.equal(done.merge.mergedBy.name, 'manager');
    assert.equal(done.merge.fields.mobile, 'merged');
    assert.equal(done.merge.fields.email, 'merged');
    assert.equal(done.merge.fields.name, 'survivor');
    assert.equal(done.customer.orderCount, 3, 'the survivor’s aggregates are recomputed');
    assert.equal(done.customer.totalSpent, '210.50');
    assert.equal(done.customer.gender, 'male');

    // every row of the merged record now belongs to the survivor
    const now = await holdings(survivorId);
    for (const key of ['orders', 'items', 'changes', 'identities', 'consents'] as const) {
      assert.equal(now[key], start.survivor[key] + start.merged[key], key);
    }
    // the timeline also has the merge itself
    assert.equal(now.timeline, start.survivor.timeline + start.merged.timeline + 1);
    assert.equal(now.consent_state, 1);
    assert.equal(now.aliases, 1, 'the survivor’s own mobile is kept as an alias');
    assert.equal(done.merge.moved.timeline, start.merged.timeline);
    assert.equal(done.merge.moved.orders, 2);
    const [{ n: left }] = await kehu.db.query<{ n: number }>(`select count(*)::int as n from customers where id = $1`, [
      mergedId,
    ]);
    assert.equal(left, 0);

    // identities re-encrypted for the survivor's row
    assert.equal(await reveal(survivorId, 'mobile'), '+8613900139002');
    assert.equal(await reveal(survivorId, 'email'), 'zhangwei@example.com');
    assert.equal(await reveal(survivorId, 'idNumber'), '11010519491231002X');

    // the merged record: 404 naming where it went
    const gone = await admin.call('GET', `/customers/${mergedId}`);
    assert.equal(gone.statusCode, 404);
    assert.equal(gone.json().error.code, 'customer_merged');
    assert.equal(gone.json().error.details.mergedInto, survivorId);

    // lookups by any identifier of either record find the survivor
    const collector = await kehu.faces.customers.collector();
    for (const profile of [{ mobile: '13800138001' }, { mobile: '13900139002' }, { email: 'zhangwei@example.com' }]) {
      const hit = await collector.match(kehu.db, { profile });
      assert.equal(hit?.customerId, survivorId, JSON.stringify(profile));
    }
    const byCard = await kehu.faces.customers.findByIdentity(kehu.db, {
      kind: 'memberCard',
      namespace: 'pos',
      value: 'VIP-0002',
    });
    assert.equal(byCard, survivorId);
    const [many] = await kehu.db.transaction((tx) =>
      collector.resolveMany(tx, [
        { profile: { mobile: '13800138001', occupation: '教师' }, onMatch: 'fillEmpty', source: 'import' },
      ]),
    );
    assert.equal('customerId' in many && many.customerId, survivorId);

    // audited, on the timeline, with the provenance
    const [audit] = await kehu.db.query<{ details: { mergeId: string; mergedId: string } }>(
      `select details from audit_log where action = 'customer.merged'`,
    );
    assert.equal(audit.details.mergeId, mergeId);
    assert.equal(audit.details.mergedId, mergedId);
    const timeline = (await admin.call('GET', `/customers/${survivorId}/timeline?kinds=customer.merged`)).json();
    assert.equal(timeline.items[0].summary.mergedName, '张伟');
    const notes = (await admin.call('GET', `/customers/${survivorId}/timeline?kinds=note`)).json();
    assert.deepEqual(notes.items.map((a: { summary: { text: string } }) => a.summary.text).sort(), [
      '周末到店',
      '喜欢龙井',
    ]);
    const history = (await manager.call('GET', `/customers/merges?customerId=${mergedId}`)).json();
    assert.equal(history.items[0].id, mergeId);
  });

  it('answers 409 for a record already merged', async () => {
    const again = await manager.call('POST', '/customers/merge', { survivorId, mergedId });
    assert.equal(again.statusCode, 409, again.body);
    assert.equal(again.json().error.code, 'customer_already_merged');
    assert.equal(again.json().error.details.mergedInto, survivorId);
    const asSurvivor = await manager.call('POST', '/customers/merge', { survivorId: mergedId, mergedId: survivorId });
    assert.equal(asSurvivor.statusCode, 409);
    assert.equal(asSurvivor.json().error.fields[0].field, 'survivorId');
  });

  it('undoes exactly: the merged record comes back with its values and rows; later rows stay with the survivor', async () => {
    // after the merge: a note on the survivor and an order for it (they stay)
    assert.equal(
      (await admin.call('POST', `/customers/${survivorId}/notes`, { text: '合并后的备注' })).statusCode,
      201,
    );
    await order(survivorId, 'S-2', '5.00');
    const res = await manager.call('POST', `/customers/merges/${mergeId}/undo`);
    assert.equal(res.statusCode, 200, res.body);
    assert.ok(res.json().merge.undoneAt);
    assert.equal(res.json().merge.undoneBy.name, 'manager');
    assert.deepEqual(res.json().kept, []);

    const back = await admin.call('GET', `/customers/${mergedId}`);
    assert.equal(back.statusCode, 200, back.body);
    // scores are recomputed in the background (scoring module), not restored
    const { updatedAt: _u1, scores: _s1, ...restored } = back.json();
    const { updatedAt: _u2, scores: _s2, ...was } = mergedBefore;
    assert.deepEqual(restored, was, 'the merged record as it was, aggregates included');
    assert.equal(await reveal(mergedId, 'mobile'), '+8613900139002');
    assert.equal(await reveal(mergedId, 'idNumber'), '11010519491231002X');
    assert.equal(await reveal(survivorId, 'mobile'), '+8613800138001');
    assert.equal(await reveal(survivorId, 'email'), null);

    // exactly the moved rows are back
    assert.deepEqual(await idsOf('activities', mergedId), start.mergedRows.activities);
    assert.deepEqual(await idsOf('orders', mergedId), start.mergedRows.orders);
    assert.deepEqual(await idsOf('customer_identities', mergedId), start.mergedRows.customer_identities);
    assert.deepEqual(await idsOf('customer_consents', mergedId), start.mergedRows.customer_consents);
    assert.deepEqual(await holdings(mergedId), start.merged);
    const survivorNow = await holdings(survivorId);
    assert.equal(survivorNow.orders, start.survivor.orders + 1, 'the order placed after the merge stays');
    assert.equal(survivorNow.aliases, 0);
    // its timeline: what it had, the merge, the note after it, the new order, the undo
    assert.equal(survivorNow.timeline, start.survivor.timeline + 4);
    const survivor = (await admin.call('GET', `/customers/${survivorId}`)).json();
    assert.deepEqual(survivor.tags, ['VIP']);
    assert.equal(survivor.orderCount, 2);
    assert.equal(survivor.totalSpent, '15.00');
    assert.equal(survivor.gender, 'unknown');

    const twice = await manager.call('POST', `/customers/merges/${mergeId}/undo`);
    assert.equal(twice.statusCode, 409);
    assert.equal(twice.json().error.code, 'customer_merge_already_undone');
    const unknown = await manager.call('POST', `/customers/merges/${missingId}/undo`);
    assert.equal(unknown.statusCode, 404);
    const [undoAudit] = await kehu.db.query(`select 1 from audit_log where action = 'customer.merge_undone'`);
    assert.ok(undoAudit);
  });

  it('refuses an undo when the survivor was merged again, or an identifier was taken meanwhile', async () => {
    const first = await manager.call('POST', '/customers/merge', {
      survivorId,
      mergedId,
      fields: { mobile: 'merged' },
    });
    assert.equal(first.statusCode, 200, first.body);
    const firstId = first.json().merge.id as string;
    const third = await customer({ name: '第三位' });
    const second = await manager.call('POST', '/customers/merge', { survivorId: third, mergedId: survivorId });
    assert.equal(second.statusCode, 200, second.body);
    const blocked = await manager.call('POST', `/customers/merges/${firstId}/undo`);
    assert.equal(blocked.statusCode, 409, blocked.body);
    assert.equal(blocked.json().error.code, 'customer_merge_undo_later_merge');
    assert.equal(blocked.json().error.details.mergeId, second.json().merge.id);
    // a chain: the first record now lives in the third
    const gone = await admin.call('GET', `/customers/${mergedId}`);
    assert.equal(gone.json().error.details.mergedInto, third);
    assert.equal((await manager.call('POST', `/customers/merges/${second.json().merge.id}/undo`)).statusCode, 200);

    // the survivor's former mobile (an alias now) taken by a new customer: the undo cannot give it back
    const taker = await customer({ name: '新客户', mobile: '13800138001' });
    const conflict = await manager.call('POST', `/customers/merges/${firstId}/undo`);
    assert.equal(conflict.statusCode, 409, conflict.body);
    assert.equal(conflict.json().error.code, 'customer_merge_undo_conflict');
    assert.equal(conflict.json().error.fields[0].field, 'mobile');
    // nothing half-done
    assert.equal((await admin.call('GET', `/customers/${mergedId}`)).statusCode, 404);
    assert.equal(await reveal(survivorId, 'mobile'), '+8613900139002');
    assert.equal((await admin.call('DELETE', `/customers/${taker}`)).statusCode, 204);
    assert.equal((await manager.call('POST', `/customers/merges/${firstId}/undo`)).statusCode, 200);
  });
  it('refuses to merge a customer whose rows a module cannot move yet, naming them', async () => {
    const keep = await customer({ name: '钱多多' });
    const held = await customer({ name: '钱多多二' });
    kehu.faces.customers.registerDependent({
      name: 'legacyPoints',
      countFor: async (_tx, id) => (id === held ? 3 : 0),
      deleteFor: async () => undefined,
    });
    const dry = await manager.call('POST', '/customers/merge', { survivorId: keep, mergedId: held, dryRun: true });
    assert.equal(dry.statusCode, 200, dry.body);
    assert.deepEqual(dry.json().blockers, ['legacyPoints']);
    assert.equal(dry.json().moves.legacyPoints, 3);
    const res = await manager.call('POST', '/customers/merge', { survivorId: keep, mergedId: held });
    assert.equal(res.statusCode, 409, res.body);
    assert.equal(res.json().error.code, 'customer_merge_unsupported');
    assert.match(res.json().error.message, /legacyPoints: 3/);
    assert.equal((await admin.call('GET', `/customers/${held}`)).statusCode, 200);
    // the other direction holds nothing of that module: it merges
    const other = await manager.call('POST', '/customers/merge', { survivorId: held, mergedId: keep });
    assert.equal(other.statusCode, 200, other.body);
  });
});
