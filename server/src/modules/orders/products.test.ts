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
const nasty = `奶粉'); DROP TABLE products;-- <b>x</b> %_`;

type Category = { id: string; name: string; parentId: string | null; sortOrder: number; productCount: number };

describe('products and the category tree', () => {
  let kehu: ClockedKehu;
  let admin: Session;

  async function withRole(email: string, permissions: string[]): Promise<Session> {
    const role = await admin.call('POST', '/roles', { name: `role ${email}`, permissions });
    assert.equal(role.statusCode, 201, role.body);
    const password = 'products test password';
    const user = await admin.call('POST', '/users', { name: email, email, password, roleIds: [role.json().id] });
    assert.equal(user.statusCode, 201, user.body);
    return signIn(kehu, email, password);
  }

  before(async () => {
    kehu = await createClockedKehu({ KEHU_ADMIN_EMAIL: adminEmail, KEHU_ADMIN_PASSWORD: adminPassword });
    admin = await signIn(kehu, adminEmail, adminPassword);
  });
  after(async () => kehu.close());

  it('manages a category tree: no cycles, no duplicate names under one parent, no deleting what is in use', async () => {
    const post = (body: object) => admin.call('POST', '/product-categories', body);
    const baby = await post({ name: '母婴', sortOrder: 1 });
    assert.equal(baby.statusCode, 201, baby.body);
    const milk = (await post({ name: '奶粉', parentId: baby.json().id })).json() as Category;
    const stage1 = (await post({ name: '一段', parentId: milk.id })).json() as Category;
    assert.equal(milk.parentId, baby.json().id);
    assert.equal(milk.productCount, 0);

    const dup = await post({ name: '奶粉', parentId: baby.json().id });
    assert.equal(dup.statusCode, 409);
    assert.equal(dup.json().error.fields[0].field, 'name');
    assert.equal((await post({ name: '奶粉' })).statusCode, 201, 'the same name elsewhere in the tree is fine');
    assert.equal((await post({ name: '母婴' })).statusCode, 409, 'two roots may not share a name');

    const cycle = await admin.call('PATCH', `/product-categories/${baby.json().id}`, { parentId: stage1.id });
    assert.equal(cycle.statusCode, 422);
    assert.equal(cycle.json().error.code, 'orders_category_cycle');
    assert.equal(cycle.json().error.fields[0].field, 'parentId');
    const self = await admin.call('PATCH', `/product-categories/${milk.id}`, { parentId: milk.id });
    assert.equal(self.statusCode, 422);

    const cases: [object, number, string][] = [
      [{ name: '' }, 422, 'name'],
      [{ name: 'x'.repeat(51) }, 422, 'name'],
      [{ name: 'x', parentId: missingId }, 422, 'parentId'],
      [{ name: 'x', parentId: 'nope' }, 422, 'parentId'],
      [{ name: 'x', sortOrder: -1 }, 422, 'sortOrder'],
      [{ name: 'x', colour: 'red' }, 422, 'colour'],
    ];
    for (const [body, status, field] of cases) {
      const res = await post(body);
      assert.equal(res.statusCode, status, `${JSON.stringify(body)}: ${res.body}`);
      assert.equal(res.json().error.fields?.[0]?.field, field, res.body);
    }

    const renamed = await admin.call('PATCH', `/product-categories/${stage1.id}`, { name: '1段', sortOrder: 3 });
    assert.equal(renamed.statusCode, 200);
    assert.equal(renamed.json().name, '1段');
    assert.equal((await admin.call('PATCH', `/product-categories/${missingId}`, { name: 'x' })).statusCode, 404);

    const product = await admin.call('POST', '/products', {
      sku: 'MILK-1',
      name: '婴儿奶粉一段',
      price: '198',
      categoryId: stage1.id,
    });
    assert.equal(product.statusCode, 201, product.body);
    const inUse = await admin.call('DELETE', `/product-categories/${stage1.id}`);
    assert.equal(inUse.statusCode, 409);
    assert.equal(inUse.json().error.code, 'orders_category_not_empty');
    assert.equal((await admin.call('DELETE', `/product-categories/${milk.id}`)).statusCode, 409, 'has a child');
    const list = (await admin.call('GET', '/product-categories')).json().items as Category[];
    assert.equal(list.find((c) => c.id === stage1.id)?.productCount, 1);

    await admin.call('PATCH', `/products/${product.json().id}`, { categoryId: null });
    assert.equal((await admin.call('DELETE', `/product-categories/${stage1.id}`)).statusCode, 204);
    assert.equal((await admin.call('DELETE', `/product-categories/${stage1.id}`)).statusCode, 404);
    const audit = await kehu.db.query<{ action: string }>(
      `select action from audit_log where entity_type = 'product_category' order by id`,
    );
    assert.ok(audit.some((a) => a.action === 'product_category.deleted'));
  });

  it('creates, edits, searches and pages products, refusing bad input by field', async () => {
    const root = (await admin.call('POST', '/product-categories', { name: '茶叶' })).json() as Category;
    const green = (
      await admin.call('POST', '/product-categories', { name: '绿茶', parentId: root.id })
    ).json() as Category;
    const created = await admin.call('POST', '/products', {
      sku: ' TEA-LJ-250 ',
      name: '西湖龙井 250g',
      price: '188.5',
      categoryId: green.id,
    });
    assert.equal(created.statusCode, 201, created.body);
    const p = created.json();
    assert.equal(p.sku, 'TEA-LJ-250');
    assert.equal(p.price, '188.50');
    assert.deepEqual(p.category, { id: green.id, name: '绿茶' });
    assert.equal(p.isActive, true);
    await admin.call('POST', '/products', {
      sku: 'TEA-BLC-100',
      name: '碧螺春 100g',
      price: '99',
      categoryId: green.id,
    });
    await admin.call('POST', '/products', { sku: 'TEA-PU-357', name: nasty, price: '360', categoryId: root.id });

    const cases: [object, number, string][] = [
      [{ sku: 'TEA-LJ-250', name: 'x', price: '1' }, 409, 'sku'],
      [{ sku: 'N-1', name: 'x', price: '1', categoryId: missingId }, 422, 'categoryId'],
      [{ sku: 'N-1', name: 'x', price: '-1' }, 422, 'price'],
      [{ sku: 'N-1', name: 'x', price: '1.001' }, 422, 'price'],
      [{ sku: 'N-1', name: 'x', price: 1 }, 422, 'price'],
      [{ sku: '', name: 'x', price: '1' }, 422, 'sku'],
      [{ sku: 'N-1', name: '', price: '1' }, 422, 'name'],
      [{ sku: 'N-1', price: '1' }, 422, 'name'],
      [{ sku: 'N-1', name: 'x', price: '1', isActive: 'yes' }, 422, 'isActive'],
      [{ sku: 'N-1', name: 'x', price: '1', stock: 3 }, 422, 'stock'],
    ];
    for (const [body, status, field] of cases) {
      const res = await admin.call('POST', '/products', body);
      assert.equal(res.statusCode, status, `${JSON.stringify(body)}: ${res.body}`);
      assert.equal(res.json().error.fields?.[0]?.field, field, res.body);
    }

    const edited = await admin.call('PATCH', `/products/${p.id}`, { name: '明前龙井', price: '200', isActive: false });
    assert.equal(edited.statusCode, 200, edited.body);
    assert.equal(edited.json().name, '明前龙井');
    assert.equal(edited.json().isActive, false);
    assert.equal((await admin.call('PATCH', `/products/${p.id}`, { sku: 'TEA-BLC-100' })).statusCode, 409);
    assert.equal((await admin.call('PATCH', `/products/${missingId}`, { name: 'x' })).statusCode, 404);
    assert.equal((await admin.call('GET', `/products/${missingId}`)).statusCode, 404);

    // as sets: the order of Chinese names follows the database's collation
    const names = async (query: string) =>
      ((await admin.call('GET', `/products?${query}`)).json().items as { name: string }[]).map((i) => i.name).sort();
    assert.deepEqual(await names(`categoryId=${root.id}`), ['明前龙井', '碧螺春 100g', nasty].sort());
    assert.deepEqual(await names(`categoryId=${green.id}`), ['明前龙井', '碧螺春 100g'].sort());
    assert.deepEqual(await names(`search=${encodeURIComponent('龙井')}`), ['明前龙井']);
    assert.deepEqual(await names(`search=TEA-BLC-100`), ['碧螺春 100g']);
    assert.deepEqual(await names(`search=${encodeURIComponent('%_')}`), [nasty], 'LIKE wildcards are literal');
    assert.deepEqual(await names(`search=tea-pu`), [nasty], 'SKU substring, any case');
    assert.deepEqual(await names(`categoryId=${root.id}&isActive=false`), ['明前龙井']);

    const first = (await admin.call('GET', `/products?categoryId=${root.id}&limit=2`)).json();
    assert.equal(first.items.length, 2);
    const second = (
      await admin.call('GET', `/products?categoryId=${root.id}&limit=2&cursor=${first.nextCursor}`)
    ).json();
    assert.equal(second.items.length, 1);
    assert.equal(second.nextCursor, null);
    for (const q of ['cursor=bad', 'categoryId=x', 'limit=500', 'isActive=maybe', 'sort=name']) {
      assert.equal((await admin.call('GET', `/products?${q}`)).statusCode, 422, q);
    }
  });

  it('lets orders.view read the catalogue and only orders.manage change it', async () => {
    const reader = await withRole('catalogue-reader@kehu.test', ['orders.view', 'orders.create', 'orders.edit']);
    const stranger = await withRole('catalogue-stranger@kehu.test', ['customers.view']);
    assert.equal((await reader.call('GET', '/products')).statusCode, 200);
    assert.equal((await reader.call('GET', '/product-categories')).statusCode, 200);
    const [p] = (await reader.call('GET', '/products')).json().items;
    const [c] = (await reader.call('GET', '/product-categories')).json().items;
    for (const [method, url, body] of [
      ['POST', '/products', { sku: 'R-1', name: 'x', price: '1' }],
      ['PATCH', `/products/${p.id}`, { name: 'x' }],
      ['POST', '/product-categories', { name: 'x' }],
      ['PATCH', `/product-categories/${c.id}`, { name: 'x' }],
      ['DELETE', `/product-categories/${c.id}`, undefined],
    ] as const) {
      const res = await reader.call(method, url, body);
      assert.equal(res.statusCode, 403, `${method} ${url}`);
    }
    assert.equal((await stranger.call('GET', '/products')).statusCode, 403);
    assert.equal((await stranger.call('GET', `/products/${p.id}`)).statusCode, 403);
    assert.equal((await stranger.call('GET', '/product-categories')).statusCode, 403);
  });
});
