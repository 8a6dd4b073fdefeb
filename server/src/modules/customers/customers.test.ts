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

const missingId = '00000000-0000-4000-8000-000000000000';
// the clock stands at 2026-11-23T08:00Z = 16:00 in Shanghai
const idNumber = '11010519491231002X';

type FieldError = { field: string; code: string; message: string };

describe('customers: profiles, custom attributes, identities', () => {
  let kehu: ClockedKehu;
  let admin: Session;
  let manager: Session; // service_manager: view, edit, reveal, export
  let reader: Session; // read_only: view
  let creator: Session; // may create customers but not view them
  let stranger: Session; // orders.view only
  let touchpointId: string;
  let full: Record<string, unknown>;
  let fullId: string;

  async function userWith(name: string, roleIds: string[]): Promise<Session> {
    const email = `${name}@kehu.test`;
    const res = await admin.call('POST', '/users', { name, email, password: `${name} password 123`, roleIds });
    assert.equal(res.statusCode, 201, res.body);
    return signIn(kehu, email, `${name} password 123`);
  }

  /** Calls as `s` in a chosen language. */
  function callIn(s: Session, lang: string, method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) {
    return kehu.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrfToken, 'accept-language': lang },
      ...(payload ? { payload } : {}),
    });
  }

  const create = (s: Session, body: Record<string, unknown>) => s.call('POST', '/customers', body);
  const fieldsOf = (body: string) => (JSON.parse(body) as { error: { fields?: FieldError[] } }).error.fields ?? [];

  before(async () => {
    kehu = await createClockedKehu({ KEHU_ADMIN_EMAIL: adminEmail, KEHU_ADMIN_PASSWORD: adminPassword });
    admin = await signIn(kehu, adminEmail, adminPassword);
    const roles = (await admin.call('GET', '/roles')).json().items as { id: string; key: string | null }[];
    const roleId = (key: string) => roles.find((r) => r.key === key)?.id as string;
    const createOnly = await admin.call('POST', '/roles', { name: 'Data entry', permissions: ['customers.create'] });
    const ordersOnly = await admin.call('POST', '/roles', { name: 'Orders only', permissions: ['orders.view'] });
    manager = await userWith('manager', [roleId('service_manager')]);
    reader = await userWith('reader', [roleId('read_only')]);
    creator = await userWith('creator', [createOnly.json().id]);
    stranger = await userWith('stranger', [ordersOnly.json().id]);
    [{ id: touchpointId }] = await kehu.db.query<{ id: string }>(
      `insert into touchpoints (code, name, type, province, city) values ('sz-01', '深圳万象城店', 'store', '广东省', '深圳市')
       returning id`,
    );
  });
  after(async () => kehu.close());

  it('lets administrators define custom attributes, and checks their definitions', async () => {
    const defs = [
      { key: 'member_no', label: '会员卡号', type: 'text', isRequired: true, sortOrder: 1 },
      { key: 'shoe_size', label: '鞋码', type: 'number', sortOrder: 2 },
      { key: 'anniversary', label: '纪念日', type: 'date', sortOrder: 3 },
      {
        key: 'level',
        label: '会员等级',
        type: 'choice',
        sortOrder: 4,
        options: [
          { value: 'gold', label: '金卡' },
          { value: 'silver', label: '银卡' },
        ],
      },
      {
        key: 'interests',
        label: '兴趣',
        type: 'multi_choice',
        sortOrder: 5,
        options: [
          { value: 'tea', label: '茶' },
          { value: 'golf', label: '高尔夫' },
          { value: 'wine', label: '葡萄酒' },
        ],
      },
    ];
    for (const d of defs) {
      const res = await admin.call('POST', '/customer-attributes', d);
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(res.json().key, d.key);
    }
    const list = await reader.call('GET', '/customer-attributes');
    assert.equal(list.statusCode, 200);
    assert.deepEqual(
      list.json().items.map((d: { key: string }) => d.key),
      defs.map((d) => d.key),
    );
    assert.deepEqual(list.json().items[0].options, [], 'options are kept only for choice types');

    const taken = await admin.call('POST', '/customer-attributes', { key: 'level', label: 'x', type: 'text' });
    assert.equal(taken.statusCode, 409);
    assert.equal(taken.json().error.fields[0].field, 'key');
    const badKey = await admin.call('POST', '/customer-attributes', { key: 'Bad-Key', label: 'x', type: 'text' });
    assert.equal(badKey.statusCode, 422);
    assert.equal(badKey.json().error.fields[0].field, 'key');
    const noOptions = await admin.call('POST', '/customer-attributes', { key: 'tier', label: 'x', type: 'choice' });
    assert.equal(noOptions.statusCode, 422);
    assert.equal(noOptions.json().error.fields[0].field, 'options');
    const twice = await admin.call('POST', '/customer-attributes', {
      key: 'tier',
      label: 'x',
      type: 'choice',
      options: [
        { value: 'a', label: 'A' },
        { value: 'a', label: 'B' },
      ],
    });
    assert.equal(twice.statusCode, 422);
    const badType = await admin.call('POST', '/customer-attributes', { key: 'tier', label: 'x', type: 'colour' });
    assert.equal(badType.statusCode, 422);
    assert.equal(badType.json().error.fields[0].field, 'type');
    assert.equal(
      (await manager.call('POST', '/customer-attributes', { key: 'tier', label: 'x', type: 'text' })).statusCode,
      403,
    );
    assert.equal((await stranger.call('GET', '/customer-attributes')).statusCode, 403);

    // a throwaway one: changed, then deleted with its values
    const temp = await admin.call('POST', '/customer-attributes', { key: 'temp', label: 'Temp', type: 'text' });
    const patched = await admin.call('PATCH', `/customer-attributes/${temp.json().id}`, { label: '临时' });
    assert.equal(patched.json().label, '临时');
    const keyChange = await admin.call('PATCH', `/customer-attributes/${temp.json().id}`, { key: 'other' });
    assert.equal(keyChange.statusCode, 422, 'the key is immutable');
    const holder = await create(admin, { name: '临时客户', attributes: { member_no: 'T1', temp: 'x' } });
    assert.equal(holder.statusCode, 201, holder.body);
    assert.equal((await admin.call('DELETE', `/customer-attributes/${temp.json().id}`)).statusCode, 204);
    assert.deepEqual((await admin.call('GET', `/customers/${holder.json().id}`)).json().attributes, {
      member_no: 'T1',
    });
    assert.equal((await admin.call('DELETE', `/customer-attributes/${temp.json().id}`)).statusCode, 404);
    assert.equal((await admin.call('PATCH', `/customer-attributes/${missingId}`, { label: 'x' })).statusCode, 404);
    assert.equal((await admin.call('DELETE', `/customers/${holder.json().id}`)).statusCode, 204);
  });

  it('creates a customer with every field and shows identities masked', async () => {
    full = {
      name: '张小明',
      gender: 'male',
      birthday: '1990-11-24',
      mobile: '+86 138 0013 8000',
      email: 'Zhang.XiaoMing@Example.com',
      wechatOpenId: 'oAbCdEfGhIjKlMnOpQrS',
      wechatUnionId: 'uNiOnIdAbCdEfGhIjKl',
      idNumber: idNumber.toLowerCase(),
      address: '广东省深圳市南山区科技园南区 8 栋 1203',
      country: 'cn',
      province: '广东省',
      city: '深圳市',
      district: '南山区',
      occupation: '工程师',
      incomeBand: '20-50k',
      education: '本科',
      source: 'store',
      touchpointId,
      ownerId: manager.userId,
      tags: ['VIP', '茶友', 'VIP'],
      attributes: {
        member_no: 'M-0001',
        shoe_size: 42.5,
        anniversary: '2020-05-20',
        level: 'gold',
        interests: ['tea', 'golf', 'tea'],
      },
      externalId: 'crm-0001',
    };
    const res = await create(admin, full);
    assert.equal(res.statusCode, 201, res.body);
    const c = res.json();
    fullId = c.id;
    assert.match(c.id, /^[0-9a-f-]{36}$/);
    assert.equal(c.name, '张小明');
    assert.equal(c.gender, 'male');
    assert.equal(c.birthday, '1990-11-24');
    assert.equal(c.age, 35, 'the birthday is tomorrow in Shanghai');
    assert.equal(c.country, 'CN');
    assert.deepEqual([c.province, c.city, c.district], ['广东省', '深圳市', '南山区']);
    assert.equal(c.mobile, '+86 138****8000');
    assert.equal(c.email, 'z***@example.com');
    assert.equal(c.wechatOpenId, 'oAbC****');
    assert.equal(c.wechatUnionId, 'uNiO****');
    assert.equal(c.idNumber, '110105********002X');
    assert.equal(c.address, '广东省深圳市****');
    assert.deepEqual(
      [c.occupation, c.incomeBand, c.education, c.source, c.externalId],
      ['工程师', '20-50k', '本科', 'store', 'crm-0001'],
    );
    assert.deepEqual(c.touchpoint, { id: touchpointId, name: '深圳万象城店', type: 'store' });
    assert.deepEqual(c.owner, { id: manager.userId, name: 'manager' });
    assert.deepEqual(c.tags, ['VIP', '茶友']);
    assert.deepEqual(c.attributes, {
      member_no: 'M-0001',
      shoe_size: 42.5,
      anniversary: '2020-05-20',
      level: 'gold',
      interests: ['tea', 'golf'],
    });
    assert.equal(c.orderCount, 0);
    assert.equal(c.totalSpent, '0.00');
    assert.equal(c.averageOrderValue, '0.00');
    assert.equal(c.firstOrderAt, null);
    assert.equal(c.lastSeenAt, null);
    assert.ok(!res.body.includes('13800138000') && !res.body.includes('zhang.xiaoming'), 'nothing in clear');

    const got = await reader.call('GET', `/customers/${c.id}`);
    assert.equal(got.statusCode, 200);
    assert.deepEqual(got.json(), c);

    // stored encrypted, with the stats row and the timeline's first entry
    const [row] = await kehu.db.query<Record<string, string>>('select * from customers where id = $1', [c.id]);
    assert.ok(!JSON.stringify(row).includes('13800138000'));
    assert.ok(row.mobile_bidx && row.email_bidx && row.id_number_bidx && row.address_enc);
    assert.deepEqual((row as unknown as { name_terms: string[] }).name_terms.includes('小明'), true);
    const activities = await kehu.db.query<{ kind: string; touchpoint_id: string }>(
      'select kind, touchpoint_id from activities where customer_id = $1',
      [c.id],
    );
    assert.deepEqual(activities, [{ kind: 'customer.created', touchpoint_id: touchpointId }]);
    const tags = await kehu.db.query<{ name: string }>('select name from customer_tags order by name');
    assert.ok(
      tags.some((t) => t.name === '茶友'),
      'new tags join the vocabulary',
    );
    const [outbox] = await kehu.db.query<{ n: number }>(
      `select count(*)::int as n from outbox where type = 'customer.created' and customer_id = $1`,
      [c.id],
    );
    assert.equal(outbox.n, 1);

    const minimal = await create(admin, { name: 'Li Lei', attributes: { member_no: 'M-0002' } });
    assert.equal(minimal.statusCode, 201, minimal.body);
    assert.equal(minimal.json().gender, 'unknown');
    assert.equal(minimal.json().mobile, null);
    assert.equal(minimal.json().age, null);
    assert.deepEqual(minimal.json().tags, []);
  });

  it('changes any subset of the profile, clears with null, and logs field names only', async () => {
    const res = await admin.call('PATCH', `/customers/${fullId}`, {
      city: '广州市',
      district: '天河区',
      email: null,
      mobile: '13900139000',
      attributes: { level: 'silver', anniversary: null },
      tags: ['VIP'],
    });
    assert.equal(res.statusCode, 200, res.body);
    const c = res.json();
    assert.deepEqual([c.province, c.city, c.district], ['广东省', '广州市', '天河区']);
    assert.equal(c.email, null);
    assert.equal(c.mobile, '+86 139****9000');
    assert.deepEqual(c.attributes, {
      member_no: 'M-0001',
      shoe_size: 42.5,
      level: 'silver',
      interests: ['tea', 'golf'],
    });
    assert.deepEqual(c.tags, ['VIP']);
    assert.equal(c.name, '张小明', 'what was not sent stays');
    const [row] = await kehu.db.query<{ email_enc: string | null; email_bidx: string | null }>(
      'select email_enc, email_bidx from customers where id = $1',
      [fullId],
    );
    assert.deepEqual(row, { email_enc: null, email_bidx: null });

    const [activity] = await kehu.db.query<{ summary: { fields: string[] }; actor_id: string }>(
      `select summary, actor_id from activities where customer_id = $1 and kind = 'profile.updated'`,
      [fullId],
    );
    assert.deepEqual([...activity.summary.fields].sort(), [
      'attributes',
      'city',
      'district',
      'email',
      'mobile',
      'tags',
    ]);
    assert.equal(activity.actor_id, admin.userId);
    assert.ok(!JSON.stringify(activity).includes('139'), 'no values on the timeline');

    // the same values again change nothing and log nothing
    const same = await admin.call('PATCH', `/customers/${fullId}`, { city: '广州市', mobile: '+86 139-0013-9000' });
    assert.equal(same.statusCode, 200);
    const [{ n }] = await kehu.db.query<{ n: number }>(
      `select count(*)::int as n from activities where customer_id = $1 and kind = 'profile.updated'`,
      [fullId],
    );
    assert.equal(n, 1);

    const renamed = await manager.call('PATCH', `/customers/${fullId}`, {
      name: '张晓明',
      ownerId: null,
      touchpointId: null,
    });
    assert.equal(renamed.statusCode, 200, renamed.body);
    assert.equal(renamed.json().owner, null);
    assert.equal(renamed.json().touchpoint, null);
    const [terms] = await kehu.db.query<{ name_terms: string[] }>('select name_terms from customers where id = $1', [
      fullId,
    ]);
    assert.ok(terms.name_terms.includes('晓明'), 'name terms follow the name');

    assert.equal((await reader.call('PATCH', `/customers/${fullId}`, { name: 'x' })).statusCode, 403);
  });

  it('reveals one identity to holders of customers.reveal, audited without the value', async () => {
    const res = await manager.call('POST', `/customers/${fullId}/reveal`, { field: 'mobile' });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { field: 'mobile', value: '+8613900139000' });
    assert.deepEqual((await admin.call('POST', `/customers/${fullId}/reveal`, { field: 'idNumber' })).json(), {
      field: 'idNumber',
      value: idNumber,
    });
    assert.deepEqual((await admin.call('POST', `/customers/${fullId}/reveal`, { field: 'email' })).json(), {
      field: 'email',
      value: null,
    });
    assert.equal(
      (await admin.call('POST', `/customers/${fullId}/reveal`, { field: 'wechatOpenId' })).json().value,
      'oAbCdEfGhIjKlMnOpQrS',
    );

    const audit = await admin.call('GET', `/audit?action=customer.revealed&entityId=${fullId}`);
    assert.equal(audit.statusCode, 200);
    const entries = audit.json().items as { actorId: string; details: { field: string } }[];
    assert.equal(entries.length, 4);
    assert.ok(entries.some((e) => e.actorId === manager.userId && e.details.field === 'mobile'));
    assert.ok(!audit.body.includes('13900139000') && !audit.body.includes(idNumber), 'never the value');
    assert.ok(!kehu.logs().includes('13900139000'), 'nor in the logs');

    // a read-only user sees masks and may not reveal
    const masked = await reader.call('GET', `/customers/${fullId}`);
    assert.equal(masked.json().mobile, '+86 139****9000');
    const refused = await reader.call('POST', `/customers/${fullId}/reveal`, { field: 'mobile' });
    assert.equal(refused.statusCode, 403);
    assert.ok(!refused.body.includes('13900139000'));
    assert.equal((await admin.call('POST', `/customers/${fullId}/reveal`, { field: 'name' })).statusCode, 422);
    assert.equal((await admin.call('POST', `/customers/${missingId}/reveal`, { field: 'mobile' })).statusCode, 404);

    // a token copied from another row (the AAD binds it to its own) does not decrypt: a 409 naming the field
    const other = await create(admin, { name: '别人', mobile: '13500135000', attributes: { member_no: 'M-77' } });
    assert.equal(other.statusCode, 201, other.body);
    await kehu.db.query(
      'update customers set mobile_enc = (select mobile_enc from customers where id = $1) where id = $2',
      [fullId, other.json().id],
    );
    const tampered = await admin.call('POST', `/customers/${other.json().id}/reveal`, { field: 'mobile' });
    assert.equal(tampered.statusCode, 409, tampered.body);
    assert.equal(tampered.json().error.code, 'customer_identity_unreadable');
    assert.ok(!tampered.body.includes('13900139000'));
  });

  it('rejects bad input naming the field, in the reader’s language', async () => {
    const base = { name: '王芳', attributes: { member_no: 'M-9' } };
    const cases: [Record<string, unknown>, string, string, string][] = [
      [{ mobile: '12345' }, 'mobile', '手机号格式不正确', 'The mobile number is not valid'],
      [{ mobile: '+86 010 6552 9988' }, 'mobile', '手机号格式不正确', 'The mobile number is not valid'],
      [{ email: 'not-an-email' }, 'email', '邮箱格式不正确', 'The email address is not valid'],
      [{ idNumber: '110105194912310021' }, 'idNumber', '证件号码不正确', 'The ID number is not valid'],
      [{ wechatOpenId: 'short' }, 'wechatOpenId', '微信 ID 格式不正确', 'The WeChat id is not valid'],
      [{ birthday: '2026-11-24' }, 'birthday', '生日不能晚于今天', 'The birthday cannot be after today'],
      [{ province: '火星省' }, 'province', '省份“火星省”不是有效的行政区划', '“火星省” is not a known province'],
      [
        { province: '广东省', city: '杭州市' },
        'city',
        '城市“杭州市”不属于所选省份',
        '“杭州市” is not a city of the chosen province',
      ],
      [
        { province: '广东省', city: '深圳市', district: '天河区' },
        'district',
        '区县“天河区”不属于所选城市',
        '“天河区” is not a district of the chosen city',
      ],
      [
        { attributes: { member_no: 'M-9', hobby: 'x' } },
        'attributes.hobby',
        '没有名为“hobby”的自定义字段',
        'There is no custom attribute “hobby”',
      ],
      [
        { attributes: { member_no: 'M-9', level: 'platinum' } },
        'attributes.level',
        '“platinum”不是会员等级的可选项',
        '“platinum” is not one of the options of 会员等级',
      ],
      [
        { attributes: { member_no: 'M-9', interests: ['tea', 'chess'] } },
        'attributes.interests',
        '“chess”不是兴趣的可选项',
        '“chess” is not one of the options of 兴趣',
      ],
      [{ attributes: {} }, 'attributes.member_no', '会员卡号为必填项', '会员卡号 is required'],
      [
        { attributes: { member_no: 'M-9', shoe_size: 'big' } },
        'attributes.shoe_size',
        '鞋码应为数字',
        '鞋码 must be a number',
      ],
      [
        { attributes: { member_no: 'M-9', anniversary: '2020-02-30' } },
        'attributes.anniversary',
        '纪念日应为日期（YYYY-MM-DD）',
        '纪念日 must be a date (YYYY-MM-DD)',
      ],
      [{ touchpointId: missingId }, 'touchpointId', '引用的触点不存在', 'The referenced Touchpoint does not exist'],
      [{ ownerId: missingId }, 'ownerId', '引用的负责人不存在', 'The referenced Owner does not exist'],
    ];
    for (const [patch, field, zh, en] of cases) {
      const body = { ...base, ...patch };
      const resZh = await callIn(admin, 'zh-CN', 'POST', '/customers', body);
      assert.equal(resZh.statusCode, 422, `${field}: ${resZh.body}`);
      assert.equal(fieldsOf(resZh.body)[0]?.field, field, resZh.body);
      assert.equal(resZh.json().error.message, zh);
      const resEn = await callIn(admin, 'en', 'POST', '/customers', body);
      assert.equal(resEn.json().error.message, en, resEn.body);
    }

    // several problems at once, each named
    const many = await create(admin, {
      ...base,
      mobile: 'x',
      email: 'y',
      province: '火星省',
      attributes: { level: 'x' },
    });
    assert.equal(many.statusCode, 422);
    assert.equal(many.json().error.code, 'validation_failed');
    assert.deepEqual(
      fieldsOf(many.body)
        .map((f) => f.field)
        .sort(),
      ['attributes.level', 'attributes.member_no', 'email', 'mobile', 'province'],
    );

    // schema-level problems
    const schema: [Record<string, unknown>, string][] = [
      [{ name: '' }, 'name'],
      [{ name: 'x'.repeat(101) }, 'name'],
      [{ name: undefined }, 'name'],
      [{ gender: 'other' }, 'gender'],
      [{ birthday: '1990-13-01' }, 'birthday'],
      [{ tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }, 'tags'],
      [{ tags: ['x'.repeat(31)] }, 'tags.0'],
      [{ country: 'China' }, 'country'],
      [{ touchpointId: 'nope' }, 'touchpointId'],
      [{ isVip: true }, 'isVip'],
      [{ mobile: 13800138000 }, 'mobile'],
    ];
    for (const [patch, field] of schema) {
      const res = await create(admin, { ...base, ...patch });
      assert.equal(res.statusCode, 422, `${field}: ${res.body}`);
      assert.equal(fieldsOf(res.body)[0]?.field, field, res.body);
    }
    const zhRequired = await callIn(admin, 'zh-CN', 'POST', '/customers', { gender: 'male' });
    assert.match(zhRequired.json().error.fields[0].message, /^\S+为必填项$/);

    // PATCH applies the same rules, region checked against what is stored
    const patchCity = await admin.call('PATCH', `/customers/${fullId}`, { city: '深圳市' });
    assert.equal(patchCity.statusCode, 422, patchCity.body);
    assert.equal(fieldsOf(patchCity.body)[0].field, 'district', '天河区 is not in 深圳市');
    const clearRequired = await admin.call('PATCH', `/customers/${fullId}`, { attributes: { member_no: null } });
    assert.equal(clearRequired.statusCode, 422);
    assert.equal(fieldsOf(clearRequired.body)[0].field, 'attributes.member_no');
    const patchBad = await admin.call('PATCH', `/customers/${fullId}`, { mobile: '999', birthday: '2099-01-01' });
    assert.deepEqual(
      fieldsOf(patchBad.body)
        .map((f) => f.field)
        .sort(),
      ['birthday', 'mobile'],
    );
    // nothing of a refused change was written
    assert.equal((await admin.call('GET', `/customers/${fullId}`)).json().mobile, '+86 139****9000');

    // other countries: no Chinese region check, mobiles read in that country
    const abroad = await create(admin, {
      ...base,
      name: 'John Smith',
      country: 'US',
      province: 'California',
      mobile: '415 555 2671',
    });
    assert.equal(abroad.statusCode, 201, abroad.body);
    assert.equal(abroad.json().mobile, '+1 415****2671');
  });

  it('refuses duplicates with 409, naming the holder only to those who may view customers', async () => {
    const first = await create(admin, {
      name: '李雷',
      mobile: '13700137000',
      email: 'li.lei@example.cn',
      attributes: { member_no: 'D-1' },
    });
    assert.equal(first.statusCode, 201, first.body);
    const id = first.json().id;

    const dupMobile = await create(admin, {
      name: '韩梅梅',
      mobile: '+86 137 0013 7000',
      attributes: { member_no: 'D-2' },
    });
    assert.equal(dupMobile.statusCode, 409);
    const err = dupMobile.json().error;
    assert.equal(err.code, 'customer_duplicate');
    assert.equal(err.fields[0].field, 'mobile');
    assert.deepEqual(err.details, { field: 'mobile', customerId: id, name: '李雷' });
    assert.equal(err.message, 'This Mobile already belongs to the customer “李雷”');

    const dupEmail = await create(admin, {
      name: '韩梅梅',
      email: 'LI.LEI@Example.CN',
      attributes: { member_no: 'D-2' },
    });
    assert.equal(dupEmail.statusCode, 409);
    assert.equal(dupEmail.json().error.details.customerId, id);

    // a caller who cannot view customers learns only that the value is taken
    const blind = await create(creator, {
      name: '韩梅梅',
      email: 'li.lei@example.cn',
      attributes: { member_no: 'D-2' },
    });
    assert.equal(blind.statusCode, 409);
    assert.deepEqual(blind.json().error.details, { field: 'email' });
    assert.ok(!blind.body.includes('李雷') && !blind.body.includes(id));

    const dupExternal = await create(admin, { name: 'x', externalId: 'crm-0001', attributes: { member_no: 'D-3' } });
    assert.equal(dupExternal.statusCode, 409);
    assert.equal(dupExternal.json().error.details.field, 'externalId');

    const dupOnPatch = await admin.call('PATCH', `/customers/${fullId}`, { email: 'li.lei@example.cn' });
    assert.equal(dupOnPatch.statusCode, 409);
    assert.equal(dupOnPatch.json().error.details.customerId, id);
    const ownValue = await admin.call('PATCH', `/customers/${id}`, { mobile: '137-0013-7000', name: '李雷雷' });
    assert.equal(ownValue.statusCode, 200, 'a customer does not collide with itself');

    // the same mobile sent twice at once: one wins, the other gets the 409 (unique index as the backstop)
    const body = { name: '并发', mobile: '13600136000', attributes: { member_no: 'D-4' } };
    const results = await Promise.all([create(admin, body), create(admin, body)]);
    assert.deepEqual(results.map((r) => r.statusCode).sort(), [201, 409]);
    const [{ n }] = await kehu.db.query<{ n: number }>(`select count(*)::int as n from customers where name = '并发'`);
    assert.equal(n, 1);
  });

  it('answers 404 for unknown customers and 403 without the permission (no IDOR)', async () => {
    assert.equal((await admin.call('GET', `/customers/${missingId}`)).statusCode, 404);
    assert.equal((await admin.call('GET', `/customers/${missingId}`)).json().error.code, 'customer_not_found');
    assert.equal((await admin.call('PATCH', `/customers/${missingId}`, { name: 'x' })).statusCode, 404);
    assert.equal((await admin.call('DELETE', `/customers/${missingId}`)).statusCode, 404);
    assert.equal((await admin.call('GET', '/customers/not-a-uuid')).statusCode, 422);

    const idor = await stranger.call('GET', `/customers/${fullId}`);
    assert.equal(idor.statusCode, 403);
    assert.ok(!idor.body.includes('张'));
    assert.equal((await stranger.call('POST', `/customers/${fullId}/reveal`, { field: 'mobile' })).statusCode, 403);
    assert.equal((await creator.call('GET', `/customers/${fullId}`)).statusCode, 403);
    assert.equal((await reader.call('DELETE', `/customers/${fullId}`)).statusCode, 403);
    assert.equal((await reader.call('POST', '/customers', { name: 'x' })).statusCode, 403);
    const anonymous = await kehu.app.inject({ method: 'GET', url: `/api/v1/customers/${fullId}` });
    assert.equal(anonymous.statusCode, 401);
  });

  it('deletes a customer with orders only when confirmed, taking the orders along, audited', async () => {
    await kehu.db.query(
      `insert into orders (customer_id, source, external_id, status, subtotal, paid_amount, placed_at)
       values ($1, 'pos', 'T-1', 'paid', 100, 100, now())`,
      [fullId],
    );
    const refused = await callIn(admin, 'zh-CN', 'DELETE', `/customers/${fullId}`);
    assert.equal(refused.statusCode, 409, refused.body);
    assert.equal(refused.json().error.code, 'customer_has_dependents');
    assert.deepEqual(refused.json().error.details, { orders: 1 });
    assert.equal(refused.json().error.message, '该客户还有关联数据（1 个订单），确认后将一并删除');
    assert.equal((await admin.call('GET', `/customers/${fullId}`)).statusCode, 200, 'still there');

    const confirmed = await admin.call('DELETE', `/customers/${fullId}?confirm=true`);
    assert.equal(confirmed.statusCode, 204, confirmed.body);
    assert.equal((await admin.call('GET', `/customers/${fullId}`)).statusCode, 404);
    const left = await kehu.db.query(
      `select 1 from orders where customer_id = $1
       union all select 1 from activities where customer_id = $1
       union all select 1 from customer_stats where customer_id = $1`,
      [fullId],
    );
    assert.equal(left.length, 0, 'nothing orphaned');
    const audit = await admin.call('GET', `/audit?action=customer.deleted&entityId=${fullId}`);
    assert.deepEqual(audit.json().items[0].details, { dependents: { orders: 1 } });
    assert.ok(!audit.body.includes('张'), 'no personal data in the audit entry');

    // without dependents no confirmation is needed
    const plain = await create(admin, { name: '临时', attributes: { member_no: 'X' } });
    assert.equal((await admin.call('DELETE', `/customers/${plain.json().id}`)).statusCode, 204);
    assert.equal((await admin.call('DELETE', `/customers/${plain.json().id}`)).statusCode, 404);
  });
});
