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

const minute = 60 * 1000;
const missingId = '00000000-0000-4000-8000-000000000000';
const nasty = `Robert'); DROP TABLE users;-- <script>alert("x")</script> 张三`;

type Role = {
  id: string;
  key: string | null;
  name: string;
  permissions: string[];
  isBuiltIn: boolean;
  userCount: number;
};

describe('staff: users, roles, departments', () => {
  let kehu: ClockedKehu;
  let admin: Session;
  let roles: Role[];
  const roleId = (key: string) => roles.find((r) => r.key === key)?.id as string;

  before(async () => {
    kehu = await createClockedKehu({ KEHU_ADMIN_EMAIL: adminEmail, KEHU_ADMIN_PASSWORD: adminPassword });
    admin = await signIn(kehu, adminEmail, adminPassword);
    roles = (await admin.call('GET', '/roles')).json().items;
  });
  after(async () => kehu.close());

  it('lists the eight built-in roles, named in the reader’s language, and keeps them read-only', async () => {
    assert.deepEqual(
      roles
        .filter((r) => r.isBuiltIn)
        .map((r) => r.key)
        .sort(),
      ['admin', 'analyst', 'marketing', 'online_sales', 'read_only', 'sales', 'service_agent', 'service_manager'],
    );
    assert.equal(roles.find((r) => r.key === 'admin')?.name, 'Administrator');
    assert.equal(roles.find((r) => r.key === 'admin')?.userCount, 1);
    const zh = await kehu.app.inject({
      method: 'GET',
      url: `/api/v1/roles/${roleId('admin')}`,
      headers: { cookie: admin.cookie, 'accept-language': 'zh-CN' },
    });
    assert.equal(zh.json().name, '管理员');
    const edit = await admin.call('PATCH', `/roles/${roleId('sales')}`, { name: 'Sales 2' });
    assert.equal(edit.statusCode, 409);
    assert.equal(edit.json().error.code, 'staff_role_built_in');
    assert.equal(
      (await admin.call('DELETE', `/roles/${roleId('read_only')}`)).json().error.code,
      'staff_role_built_in',
    );
    const perms = await admin.call('GET', '/permissions');
    assert.ok(perms.json().modules.includes('customers'));
    assert.deepEqual(perms.json().actions, ['view', 'create', 'edit', 'delete', 'export', 'reveal', 'manage']);
  });

  it('creates, edits and deletes custom roles, auditing the permissions added and removed', async () => {
    const created = await admin.call('POST', '/roles', {
      name: nasty,
      description: '<b>desc</b>',
      permissions: ['customers.view', 'customers.edit'],
    });
    assert.equal(created.statusCode, 201);
    assert.equal(created.json().name, nasty);
    assert.equal(created.json().key, null);
    assert.equal(created.json().isBuiltIn, false);
    const id = created.json().id;
    const bad = await admin.call('POST', '/roles', { name: 'x', permissions: ['customers.fly'] });
    assert.equal(bad.statusCode, 422);
    assert.equal(bad.json().error.fields[0].field, 'permissions.0');
    const extra = await admin.call('POST', '/roles', { name: 'x', permissions: [], isBuiltIn: true });
    assert.equal(extra.statusCode, 422);
    const patched = await admin.call('PATCH', `/roles/${id}`, { permissions: ['customers.view', 'orders.view'] });
    assert.equal(patched.statusCode, 200);
    assert.deepEqual(patched.json().permissions, ['customers.view', 'orders.view']);
    const [audit] = await kehu.db.query<{ details: { permissionsAdded: string[]; permissionsRemoved: string[] } }>(
      `SELECT details FROM audit_log WHERE action = 'role.updated' AND entity_id = $1`,
      [id],
    );
    assert.deepEqual(audit.details.permissionsAdded, ['orders.view']);
    assert.deepEqual(audit.details.permissionsRemoved, ['customers.edit']);

    const user = await admin.call('POST', '/users', {
      name: 'Holder',
      email: 'holder@kehu.test',
      password: 'holder password 1',
      roleIds: [id],
    });
    assert.equal(user.statusCode, 201);
    const inUse = await admin.call('DELETE', `/roles/${id}`);
    assert.equal(inUse.statusCode, 409);
    assert.equal(inUse.json().error.code, 'staff_role_in_use');
    assert.equal((await admin.call('PATCH', `/users/${user.json().id}`, { roleIds: [] })).statusCode, 200);
    assert.equal((await admin.call('DELETE', `/roles/${id}`)).statusCode, 204);
    assert.equal((await admin.call('GET', `/roles/${id}`)).statusCode, 404);
    assert.equal((await admin.call('PATCH', `/roles/${missingId}`, { name: 'x' })).statusCode, 404);
  });

  it('needs a recent re-authentication to change roles or a user’s roles', async () => {
    kehu.advance(6 * minute);
    const user = await admin.call('POST', '/users', {
      name: 'No roles yet',
      email: 'noroles@kehu.test',
      password: 'no roles password',
      roleIds: [],
    });
    assert.equal(user.statusCode, 201, 'creating a user without roles needs no re-authentication');
    for (const [method, url, body] of [
      ['POST', '/roles', { name: 'x', permissions: [] }],
      ['PATCH', `/users/${user.json().id}`, { roleIds: [roleId('sales')] }],
      ['POST', '/users', { name: 'y', email: 'y@kehu.test', password: 'y password 12345', roleIds: [roleId('sales')] }],
    ] as const) {
      const res = await admin.call(method, url, body);
      assert.equal(res.statusCode, 403, `${method} ${url}`);
      assert.equal(res.json().error.code, 'auth_reauth_required');
    }
    assert.equal((await admin.call('POST', '/auth/reauth', { password: adminPassword })).statusCode, 204);
    const ok = await admin.call('PATCH', `/users/${user.json().id}`, { roleIds: [roleId('sales')] });
    assert.equal(ok.statusCode, 200);
    assert.deepEqual(
      ok.json().roles.map((r: { key: string }) => r.key),
      ['sales'],
    );
    const changed = await kehu.db.query<{ details: { added: string[] } }>(
      `SELECT details FROM audit_log WHERE action = 'user.roles_changed' AND entity_id = $1`,
      [user.json().id],
    );
    assert.deepEqual(changed[0].details.added, [roleId('sales')]);
  });

  it('manages the department tree: no cycles, no deleting what is in use', async () => {
    const post = (name: string, parentId?: string) => admin.call('POST', '/departments', { name, parentId });
    const market = (await post('市场部')).json();
    const online = (await post('网销部', market.id)).json();
    const sub = (await post('网销一组', online.id)).json();
    assert.equal(online.parentId, market.id);
    const cycle = await admin.call('PATCH', `/departments/${market.id}`, { parentId: sub.id });
    assert.equal(cycle.statusCode, 422);
    assert.equal(cycle.json().error.code, 'staff_department_cycle');
    assert.equal(cycle.json().error.fields[0].field, 'parentId');
    const self = await admin.call('PATCH', `/departments/${market.id}`, { parentId: market.id });
    assert.equal(self.statusCode, 422);
    const unknownParent = await post('x', missingId);
    assert.equal(unknownParent.statusCode, 422);
    assert.equal(unknownParent.json().error.fields[0].field, 'parentId');
    const moved = await admin.call('PATCH', `/departments/${sub.id}`, { parentId: market.id, name: '<i>一组</i>' });
    assert.equal(moved.statusCode, 200);
    assert.equal(moved.json().name, '<i>一组</i>');
    assert.equal(
      (await admin.call('DELETE', `/departments/${market.id}`)).json().error.code,
      'staff_department_not_empty',
    );
    const user = await admin.call('POST', '/users', {
      name: 'Dept user',
      email: 'dept@kehu.test',
      password: 'dept user password',
      roleIds: [],
      departmentId: online.id,
    });
    assert.equal(user.json().department.name, '网销部');
    const list = (await admin.call('GET', '/departments')).json().items;
    assert.equal(list.find((d: { id: string }) => d.id === online.id).userCount, 1);
    assert.equal((await admin.call('DELETE', `/departments/${online.id}`)).statusCode, 409);
    assert.equal((await admin.call('DELETE', `/departments/${sub.id}`)).statusCode, 204);
    assert.equal((await admin.call('DELETE', `/departments/${sub.id}`)).statusCode, 404);
    assert.equal((await admin.call('PATCH', `/departments/${missingId}`, { name: 'x' })).statusCode, 404);
    const wrongType = await admin.call('POST', '/departments', { name: 5, sortOrder: 'first' });
    assert.equal(wrongType.statusCode, 422);
    assert.deepEqual(
      wrongType
        .json()
        .error.fields.map((f: { field: string }) => f.field)
        .sort(),
      ['name', 'sortOrder'],
    );
  });

  it('creates users with roles and a department, and refuses bad input naming the field', async () => {
    const dept = (await admin.call('POST', '/departments', { name: '客服部' })).json();
    const created = await admin.call('POST', '/users', {
      name: nasty,
      email: 'Agent@Kehu.test',
      mobile: '+86 138 0013 8000',
      password: 'agent password 123',
      roleIds: [roleId('service_agent')],
      departmentId: dept.id,
    });
    assert.equal(created.statusCode, 201, created.body);
    const user = created.json();
    assert.equal(user.name, nasty);
    assert.ok(created.body.includes('\\"x\\"'), 'JSON-escaped, stored verbatim');
    assert.equal(user.active, true);
    assert.equal(user.department.id, dept.id);
    assert.equal(user.roles[0].name, 'Service agent');
    assert.equal('password' in user || 'passwordHash' in user, false);
    assert.equal((await admin.call('GET', `/users/${user.id}`)).json().name, nasty);

    const base = { name: 'B', email: 'b@kehu.test', password: 'b password 123456', roleIds: [] as string[] };
    const cases: [object, number, string][] = [
      [{ ...base, email: 'AGENT@kehu.test' }, 409, 'email'],
      [{ ...base, roleIds: [missingId] }, 422, 'roleIds'],
      [{ ...base, roleIds: ['not-a-uuid'] }, 422, 'roleIds.0'],
      [{ ...base, departmentId: missingId }, 422, 'departmentId'],
      [{ ...base, email: 'not an email' }, 422, 'email'],
      [{ ...base, mobile: 'call me' }, 422, 'mobile'],
      [{ ...base, password: 'short' }, 422, 'password'],
      [{ ...base, name: '' }, 422, 'name'],
      [{ ...base, active: 'yes' }, 422, 'active'],
      [{ ...base, isAdmin: true }, 422, 'isAdmin'],
      [{ name: 'B', email: 'b@kehu.test', password: 'b password 123456' }, 422, 'roleIds'],
    ];
    for (const [body, status, field] of cases) {
      const res = await admin.call('POST', '/users', body);
      assert.equal(res.statusCode, status, `${JSON.stringify(body)}: ${res.body}`);
      assert.equal(res.json().error.fields?.[0]?.field, field, res.body);
      assert.ok(res.json().error.message.length > 0);
    }
    const zh = await kehu.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken, 'accept-language': 'zh-CN' },
      payload: { ...base, email: 'agent@kehu.test' },
    });
    assert.match(zh.json().error.message, /邮箱已被使用/);
    const huge = await kehu.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken, 'content-type': 'application/json' },
      payload: JSON.stringify({ ...base, name: 'x'.repeat(10 * 1024 * 1024) }),
    });
    assert.equal(huge.statusCode, 413);
    const agent = await signIn(kehu, 'agent@kehu.test', 'agent password 123');
    const edited = await admin.call('PATCH', `/users/${user.id}`, {
      name: '李四',
      email: 'agent2@kehu.test',
      mobile: null,
      departmentId: null,
      password: 'agent new password',
    });
    assert.equal(edited.statusCode, 200, edited.body);
    assert.equal(edited.json().name, '李四');
    assert.equal(edited.json().email, 'agent2@kehu.test');
    assert.equal(edited.json().mobile, null);
    assert.equal(edited.json().department, null);
    assert.equal((await agent.call('GET', '/me')).statusCode, 401, 'a password set by an administrator ends sessions');
    await signIn(kehu, 'agent2@kehu.test', 'agent new password');
    assert.equal((await admin.call('PATCH', `/users/${user.id}`, { email: adminEmail })).statusCode, 409);
    assert.equal((await admin.call('PATCH', `/users/${user.id}`, { departmentId: missingId })).statusCode, 422);
    assert.equal((await admin.call('GET', `/users/${missingId}`)).statusCode, 404);
    assert.equal((await admin.call('GET', '/users/42')).statusCode, 422);
    assert.equal((await admin.call('PATCH', `/users/${missingId}`, { name: 'x' })).statusCode, 404);
    assert.equal((await admin.call('DELETE', `/users/${missingId}`)).statusCode, 404);
  });

  it('pages users by name with a cursor and filters them', async () => {
    for (const n of ['Amy', 'Bob', 'Cat', 'Dan', 'Eve']) {
      await admin.call('POST', '/users', {
        name: `Page ${n}`,
        email: `${n.toLowerCase()}@page.test`,
        password: 'page user password',
        roleIds: [],
      });
    }
    const names: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/users?q=page&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await admin.call('GET', url);
      assert.equal(res.statusCode, 200, res.body);
      names.push(...res.json().items.map((u: { name: string }) => u.name));
      cursor = res.json().nextCursor;
    } while (cursor);
    assert.deepEqual(names, ['Page Amy', 'Page Bob', 'Page Cat', 'Page Dan', 'Page Eve']);
    const byRole = await admin.call('GET', `/users?roleId=${roleId('service_agent')}`);
    assert.equal(byRole.json().items.length, 1);
    const inactive = await admin.call('GET', '/users?active=false');
    assert.ok(inactive.json().items.every((u: { active: boolean }) => !u.active));
    const wildcard = await admin.call('GET', `/users?q=${encodeURIComponent('%')}`);
    assert.equal(wildcard.json().items.length, 0, 'LIKE wildcards are literal');
    assert.equal((await admin.call('GET', '/users?limit=0')).statusCode, 422);
    assert.equal((await admin.call('GET', '/users?limit=abc')).statusCode, 422);
    assert.equal((await admin.call('GET', '/users?cursor=garbage')).statusCode, 422);
    assert.equal((await admin.call('GET', '/users?sort=name')).statusCode, 422);
  });

  it('deactivates users (ending their sessions) but never yourself or the last administrator', async () => {
    const self = await admin.call('DELETE', `/users/${admin.userId}`);
    assert.equal(self.statusCode, 409);
    assert.equal(self.json().error.code, 'staff_cannot_deactivate_self');
    assert.equal((await admin.call('PATCH', `/users/${admin.userId}`, { active: false })).statusCode, 409);

    const second = await admin.call('POST', '/users', {
      name: 'Second admin',
      email: 'admin2@kehu.test',
      password: 'second admin password',
      roleIds: [roleId('admin')],
    });
    assert.equal(second.statusCode, 201);
    const admin2 = await signIn(kehu, 'admin2@kehu.test', 'second admin password');
    // the first admin can be removed while another remains …
    const demote = await admin2.call('PATCH', `/users/${admin.userId}`, { roleIds: [roleId('analyst')] });
    assert.equal(demote.statusCode, 200, demote.body);
    // … but the last one cannot lose the role or be deactivated
    assert.equal(
      (await admin2.call('PATCH', `/users/${admin2.userId}`, { roleIds: [] })).json().error.code,
      'staff_last_administrator',
    );
    await admin2.call('PATCH', `/users/${admin.userId}`, { roleIds: [roleId('admin')] });
    admin = await signIn(kehu, adminEmail, adminPassword);
    assert.equal((await admin.call('DELETE', `/users/${admin2.userId}`)).statusCode, 204);
    assert.equal((await admin2.call('GET', '/me')).statusCode, 401, 'sessions end at once');
    const [row] = (await admin.call('GET', '/users?active=false&q=admin2')).json().items;
    assert.equal(row.active, false);
  });

  it('lets no one hand out or manage more than they hold', async () => {
    const managerRole = await admin.call('POST', '/roles', {
      name: 'Staff manager',
      permissions: ['staff.view', 'staff.create', 'staff.edit', 'staff.delete', 'staff.manage'],
    });
    await admin.call('POST', '/users', {
      name: 'Manager',
      email: 'manager@kehu.test',
      password: 'manager password 1',
      roleIds: [managerRole.json().id],
    });
    const manager = await signIn(kehu, 'manager@kehu.test', 'manager password 1');
    const grant = await manager.call('POST', '/users', {
      name: 'Sneaky',
      email: 'sneaky@kehu.test',
      password: 'sneaky password 1',
      roleIds: [roleId('admin')],
    });
    assert.equal(grant.statusCode, 403);
    assert.equal(grant.json().error.code, 'staff_exceeds_own_permissions');
    const role = await manager.call('POST', '/roles', { name: 'x', permissions: ['settings.manage'] });
    assert.equal(role.statusCode, 403);
    const takeover = await manager.call('PATCH', `/users/${admin.userId}`, { password: 'taken over password' });
    assert.equal(takeover.statusCode, 403);
    assert.equal((await manager.call('DELETE', `/users/${admin.userId}`)).statusCode, 403);
  });

  it('refuses every write to a read-only user (403), and reads without staff.view', async () => {
    await admin.call('POST', '/users', {
      name: 'Reader',
      email: 'reader@kehu.test',
      password: 'reader password 1',
      roleIds: [roleId('read_only')],
    });
    const reader = await signIn(kehu, 'reader@kehu.test', 'reader password 1');
    const id = admin.userId;
    const calls: [string, string, object?][] = [
      ['GET', '/users'],
      ['GET', `/users/${id}`],
      ['GET', '/roles'],
      ['GET', '/departments'],
      ['POST', '/users', { name: 'x', email: 'x@kehu.test', password: 'x password 12345', roleIds: [] }],
      ['PATCH', `/users/${id}`, { name: 'x' }],
      ['DELETE', `/users/${id}`],
      ['POST', '/roles', { name: 'x', permissions: [] }],
      ['PATCH', `/roles/${roleId('sales')}`, { name: 'x' }],
      ['DELETE', `/roles/${roleId('sales')}`],
      ['POST', '/departments', { name: 'x' }],
      ['PATCH', `/departments/${missingId}`, { name: 'x' }],
      ['DELETE', `/departments/${missingId}`],
    ];
    for (const [method, url, body] of calls) {
      const res = await reader.call(method as 'GET', url, body);
      assert.equal(res.statusCode, 403, `${method} ${url}`);
      assert.equal(res.json().error.code, 'forbidden');
    }
    assert.equal((await reader.call('GET', '/permissions')).statusCode, 200);
    assert.equal((await reader.call('GET', '/me')).statusCode, 200);
  });

  it('audits user, role and department changes', async () => {
    const actions = new Set(
      (await kehu.db.query<{ action: string }>('SELECT DISTINCT action FROM audit_log')).map((r) => r.action),
    );
    for (const a of [
      'user.created',
      'user.updated',
      'user.deactivated',
      'user.roles_changed',
      'role.created',
      'role.updated',
      'role.deleted',
      'department.created',
      'department.updated',
      'department.deleted',
    ]) {
      assert.ok(actions.has(a), `audit has ${a}`);
    }
    const details = JSON.stringify(await kehu.db.query(`SELECT details FROM audit_log WHERE action LIKE 'user.%'`));
    assert.ok(!details.includes('agent password 123'));
    assert.ok(!details.includes('+86 138'));
  });
});
