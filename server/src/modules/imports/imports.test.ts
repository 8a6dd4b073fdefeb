import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { LightMyRequestResponse } from 'fastify';
import { adminEmail, adminPassword, signIn, type Session } from '../../../test/auth-fixtures.ts';
import { createTestKehu, type TestKehu } from '../../../test/harness.ts';
import { signInWith } from '../../../test/role-fixtures.ts';
import { until } from '../../../test/until.ts';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name));

type Detail = {
  id: string;
  status: string;
  encoding: string | null;
  format: string;
  headers: string[];
  samples: string[][] | null;
  suggestions: {
    customers: { columns: string[]; remembered: boolean };
    orders: { columns: string[]; remembered: boolean };
  };
  sameFileImportedAt: string | null;
  totalRows: number | null;
  progress: number;
  dryRun: { valid: number; invalid: number; matched: number };
  result: { processed: number; created: number; updated: number; unchanged: number; skipped: number; failed: number };
  error: { code: string; message: string } | null;
};

/**
 * Bulk import through HTTP as the wizard drives it: upload (any encoding a Chinese or English
 * export comes in), mapping, dry run, run in the background, bad rows, and re-import.
 */
describe('imports: customers and orders from CSV and XLSX', () => {
  let kehu: TestKehu;
  let admin: Session;

  const upload = (
    body: Buffer | string,
    fileName = 'customers.csv',
    session = admin,
  ): Promise<LightMyRequestResponse> =>
    kehu.app.inject({
      method: 'POST',
      url: `/api/v1/imports?fileName=${encodeURIComponent(fileName)}`,
      headers: {
        cookie: session.cookie,
        'x-csrf-token': session.csrfToken,
        'accept-language': 'en',
        'content-type': 'text/csv',
      },
      payload: body,
    });
  const uploaded = async (body: Buffer | string, fileName?: string): Promise<Detail> => {
    const res = await upload(body, fileName);
    assert.equal(res.statusCode, 201, res.body);
    return res.json();
  };
  const get = async (id: string): Promise<Detail> => (await admin.call('GET', `/imports/${id}`)).json();
  const settle = (id: string, statuses: string[]) =>
    until(
      async () => {
        const d = await get(id);
        return statuses.includes(d.status) ? d : null;
      },
      `import ${id} to reach ${statuses.join('/')}`,
    );
  const dryRun = async (d: Detail, body: Record<string, unknown> = {}) => {
    const res = await admin.call('POST', `/imports/${d.id}/dry-run`, {
      kind: 'customers',
      onMatch: 'fillEmpty',
      mapping: { columns: d.suggestions.customers.columns },
      ...body,
    });
    assert.equal(res.statusCode, 202, res.body);
    return settle(d.id, ['validated', 'failed']);
  };
  const run = async (id: string) => {
    const res = await admin.call('POST', `/imports/${id}/run`);
    assert.equal(res.statusCode, 202, res.body);
    return settle(id, ['done', 'failed']);
  };
  const customersCount = async () => (await admin.call('GET', '/customers/count')).json().count as number;
  const findCustomer = async (search: string) =>
    (await admin.call('GET', `/customers?search=${encodeURIComponent(search)}`)).json().items[0];

  before(async () => {
    kehu = await createTestKehu({
      KEHU_ADMIN_EMAIL: adminEmail,
      KEHU_ADMIN_PASSWORD: adminPassword,
      KEHU_JOB_POLL_SECONDS: '0.5',
      KEHU_IMPORT_MAX_MB: '1',
    });
    admin = await signIn(kehu, adminEmail, adminPassword);
  });
  after(() => kehu.close());

  describe('upload', () => {
    it('reads UTF-8, UTF-8 with a BOM and GBK alike, and recognises the Chinese headers', async () => {
      const utf8 = fixture('customers-utf8.csv');
      const variants = {
        'utf-8': utf8,
        bom: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]),
        gbk: fixture('customers-gbk.csv'),
      };
      for (const [name, bytes] of Object.entries(variants)) {
        const d = await uploaded(bytes, `${name}.csv`);
        assert.equal(d.format, 'csv');
        assert.equal(d.encoding, name === 'gbk' ? 'gb18030' : 'utf-8', name);
        assert.deepEqual(d.headers.slice(0, 3), ['姓名', '手机号', '性别'], name);
        assert.equal(d.samples?.[0][0], '林小雨', name);
        assert.deepEqual(d.suggestions.customers.columns, [
          'name',
          'mobile',
          'gender',
          'birthday',
          'province',
          'city',
          'email',
          'memberCard',
          'tags',
          '',
        ]);
        assert.equal(d.suggestions.orders.columns[0], 'customerName');
      }
    });

    it('reads the first sheet of an XLSX, dates as dates and formulas never run', async () => {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('会员');
      ws.addRow(['姓名', '手机号', '生日', '会员卡号']);
      ws.addRow(['林小雨', '13800138011', new Date(Date.UTC(1990, 4, 20)), 'X1']);
      ws.addRow([{ formula: 'HYPERLINK("http://x","y")', result: '张三' }, '13800138012', null, 'X2']);
      ws.addRow([{ formula: "cmd|' /C calc'!A0" }, '13800138013', null, 'X3']);
      wb.addWorksheet('other').addRow(['ignored']);
      const d = await uploaded(Buffer.from(await wb.xlsx.writeBuffer()), '会员.xlsx');
      assert.equal(d.format, 'xlsx');
      assert.deepEqual(d.samples, [
        ['林小雨', '13800138011', '1990-05-20', 'X1'],
        ['张三', '13800138012', '', 'X2'],
        ["=cmd|' /C calc'!A0", '13800138013', '', 'X3'],
      ]);
      const validated = await dryRun(d);
      assert.deepEqual(validated.dryRun, { valid: 3, invalid: 0, matched: 0 });
    });

    it('refuses what cannot be imported, each with its own reason', async () => {
      const gbkLine = iconv.encode('王大明,13800138002\n', 'gbk');
      const cases: [Buffer | string, number, string, RegExp][] = [
        ['', 422, 'import_file_empty', /empty/],
        [Buffer.from([0xef, 0xbb, 0xbf]), 422, 'import_file_empty', /empty/],
        ['姓名,手机号\n', 422, 'import_no_rows', /no data rows/],
        [',,,\n1,2,3\n', 422, 'import_no_header', /header/],
        [
          `${Array.from({ length: 30_000 }, (_, i) => `c${i}`).join(',')}\n${'1,'.repeat(29_999)}1\n`,
          422,
          'import_too_many_columns',
          /30000 columns/,
        ],
        [
          Buffer.concat([Buffer.from('姓名,手机号\n林小雨,13800138001\n'), gbkLine]),
          422,
          'import_mixed_encoding',
          /line 3 is GBK, line 1 is UTF-8/,
        ],
        [
          Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('姓名\n'), gbkLine]),
          422,
          'import_mixed_encoding',
          /line 2 is GBK/,
        ],
        [Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), 422, 'import_file_xls', /\.xls/],
        [
          Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('姓名', 'utf16le')]),
          422,
          'import_file_utf16',
          /UTF-16/,
        ],
        [Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), 422, 'import_unreadable_xlsx', /damaged/],
        [Buffer.alloc(1_100_000, 'a'), 413, 'import_file_too_large', /1 MB/],
      ];
      for (const [body, status, code, message] of cases) {
        const res = await upload(body);
        assert.equal(res.statusCode, status, `${code}: ${res.body}`);
        assert.equal(res.json().error.code, code);
        assert.match(res.json().error.message, message);
      }
      const noName = await kehu.app.inject({
        method: 'POST',
        url: '/api/v1/imports',
        headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken, 'accept-language': 'zh-CN' },
        payload: 'a,b\n1,2\n',
      });
      assert.equal(noName.statusCode, 422);
      assert.match(noName.json().error.message, /文件名/);
    });

    it('needs ingest.create to upload and hides the uploaded values from those who may only look', async () => {
      const viewer = await signInWith(kehu, admin, 'viewer@kehu.test', { permissions: ['ingest.view'] });
      const denied = await upload('姓名,手机号\n林,13800138001\n', 'x.csv', viewer);
      assert.equal(denied.statusCode, 403);
      const d = await uploaded('姓名,手机号\n林,13800138001\n');
      const seen = (await viewer.call('GET', `/imports/${d.id}`)).json();
      assert.equal(seen.samples, null);
      assert.equal((await viewer.call('GET', `/imports/${d.id}/issues`)).statusCode, 403);
      assert.equal((await viewer.call('POST', `/imports/${d.id}/run`)).statusCode, 403);
      assert.equal((await viewer.call('DELETE', `/imports/${d.id}`)).statusCode, 403);
    });
  });

  describe('mapping and dry run', () => {
    it('refuses a mapping that does not fit the file or the kind', async () => {
      const d = await uploaded(fixture('customers-utf8.csv'));
      const post = (body: unknown) => admin.call('POST', `/imports/${d.id}/dry-run`, body);
      const short = await post({ kind: 'customers', mapping: { columns: ['name'] } });
      assert.equal(short.statusCode, 422);
      assert.match(short.json().error.message, /10 columns/);
      const columns = [...d.suggestions.customers.columns];
      const unknown = await post({ kind: 'customers', mapping: { columns: ['nickname', ...columns.slice(1)] } });
      assert.equal(unknown.json().error.fields[0].field, 'mapping.columns.0');
      const twice = await post({ kind: 'customers', mapping: { columns: ['name', 'name', ...columns.slice(2)] } });
      assert.match(twice.json().error.message, /already mapped from column "姓名"/);
      const noId = await post({
        kind: 'customers',
        mapping: { columns: columns.map((c) => (['mobile', 'email', 'memberCard'].includes(c) ? '' : c)) },
      });
      assert.match(noId.json().error.message, /identifies the customer/);
      const orders = await post({ kind: 'orders', mapping: { columns: d.suggestions.orders.columns } });
      assert.match(orders.json().error.message, /Choose a column for "Order number"/);
      const touchpoint = await post({
        kind: 'customers',
        touchpointId: '00000000-0000-4000-8000-000000000000',
        mapping: { columns },
      });
      assert.equal(touchpoint.statusCode, 422);
      assert.equal((await get(d.id)).status, 'uploaded', 'nothing was started');
    });

    it('reports every bad row with its line, column and reason, and offers them as a CSV with formulas escaped', async () => {
      const d = await uploaded(fixture('customers-utf8.csv'));
      const v = await dryRun(d);
      assert.equal(v.totalRows, 5);
      assert.deepEqual(v.dryRun, { valid: 3, invalid: 2, matched: 0 });
      const issues = (await admin.call('GET', `/imports/${d.id}/issues?phase=dry`)).json().items;
      assert.deepEqual(
        issues.map((i: { line: number }) => i.line),
        [5, 6],
      );
      const row5 = issues[0].problems.map((p: { column: string; message: string }) => `${p.column}: ${p.message}`);
      assert.ok(row5.includes('生日: Unknown date "1988-02-30" (e.g. 1990-05-20 or 1990/5/20)'), row5.join('\n'));
      assert.ok(
        row5.some((p: string) => p.startsWith('手机号: ')),
        row5.join('\n'),
      );
      assert.ok(
        row5.some((p: string) => p.startsWith('邮箱: ')),
        row5.join('\n'),
      );
      assert.equal(issues[1].problems[0].message, 'Unknown gender "X" (use male, female or unknown)');

      const csv = await kehu.app.inject({
        method: 'GET',
        url: `/api/v1/imports/${d.id}/issues.csv?phase=dry`,
        headers: { cookie: admin.cookie, 'accept-language': 'zh-CN' },
      });
      assert.equal(csv.statusCode, 200);
      assert.match(String(csv.headers['content-disposition']), /filename\*=UTF-8''/);
      const text = csv.rawPayload.toString('utf8');
      assert.ok(text.startsWith('\ufeff姓名,手机号,性别'), 'a BOM, then the file’s own header');
      assert.match(text.split('\r\n')[0], /行号,列,原因$/);
      assert.match(text, /\r\n'=cmd\|' \/C calc'!A0,13800138005,/, 'the formula is escaped, never live');
      assert.match(text, /赵强,12345,男,1988-02-30.*,5,.*生日.*无法识别的日期/);
    });

    it('remembers the mapping for the same headers', async () => {
      const first = await uploaded('手机,称呼,备注\n13800138100,老王,x\n');
      assert.deepEqual(first.suggestions.customers, { columns: ['mobile', '', ''], remembered: false });
      await dryRun(first, { mapping: { columns: ['mobile', 'name', ''] } });
      const again = await uploaded('手机,称呼,备注\n13800138101,小李,y\n');
      assert.deepEqual(again.suggestions.customers, { columns: ['mobile', 'name', ''], remembered: true });
    });
  });

  describe('run', () => {
    it('imports in the background, records the touchpoint, and a second import of the same file changes nothing', async () => {
      const store = await admin.call('POST', '/touchpoints', {
        code: 'pos-sz-01',
        name: '深圳万象城店',
        type: 'store',
      });
      assert.equal(store.statusCode, 201, store.body);
      const touchpointId = store.json().id as string;
      const before = await customersCount();
      const d = await uploaded(fixture('customers-gbk.csv'), '门店会员.csv');
      await dryRun(d, { touchpointId });
      const done = await run(d.id);
      assert.equal(done.status, 'done', JSON.stringify(done.error));
      assert.deepEqual(done.result, { processed: 5, created: 3, updated: 0, unchanged: 0, skipped: 0, failed: 2 });
      assert.equal(done.progress, 100);
      assert.equal(await customersCount(), before + 3);
      const lin = await findCustomer('13800138001');
      assert.equal(lin.name, '林小雨');
      assert.equal(lin.source, 'import');
      assert.equal(lin.touchpoint.id, touchpointId);
      assert.equal(lin.province, '广东省', '广东 completed to the stored name');
      assert.equal(lin.birthday, '1990-05-20');
      assert.deepEqual(lin.tags, ['金卡', '老客户']);
      const failed = (await admin.call('GET', `/imports/${d.id}/issues?phase=run`)).json().items;
      assert.deepEqual(
        failed.map((i: { line: number }) => i.line),
        [5, 6],
      );

      const again = await uploaded(fixture('customers-gbk.csv'), '门店会员.csv');
      assert.ok(again.sameFileImportedAt, 'the same bytes are recognised');
      await dryRun(again, { touchpointId });
      assert.equal((await get(again.id)).dryRun.matched, 3);
      const second = await run(again.id);
      assert.deepEqual(second.result, { processed: 5, created: 0, updated: 0, unchanged: 3, skipped: 0, failed: 2 });
      assert.equal(await customersCount(), before + 3);
      const timeline = (await admin.call('GET', `/customers/${lin.id}/timeline`)).json().items;
      assert.equal(timeline.length, 1, 'no timeline rows for a re-import that changed nothing');
    });

    it('matches on mobile, email and member card, and follows the chosen policy', async () => {
      const first = await uploaded('手机号,姓名,职业,会员卡号\n13800138201,甲,教师,C-201\n');
      await dryRun(first);
      await run(first.id);
      const csv = '会员卡号,职业,学历\nC-201,医生,本科\n';
      const skip = await uploaded(csv);
      await dryRun(skip, { onMatch: 'skip' });
      assert.deepEqual((await run(skip.id)).result.skipped, 1);
      const fill = await uploaded(csv);
      await dryRun(fill, { onMatch: 'fillEmpty' });
      assert.equal((await run(fill.id)).result.updated, 1);
      let c = await findCustomer('13800138201');
      assert.equal(c.occupation, '教师', 'fill empty keeps what is there');
      assert.equal(c.education, '本科');
      const over = await uploaded(csv);
      await dryRun(over, { onMatch: 'overwrite' });
      assert.equal((await run(over.id)).result.updated, 1);
      c = await findCustomer('13800138201');
      assert.equal(c.occupation, '医生');
    });

    it('makes one customer of the rows of one person within a file', async () => {
      const before = await customersCount();
      const d = await uploaded(
        '手机号,邮箱,姓名,职业\n13800138401,dup@example.com,周周,\n+86 138-0013-8401,,,设计师\n,DUP@example.com,,\n',
      );
      await dryRun(d);
      const done = await run(d.id);
      assert.deepEqual(done.result, { processed: 3, created: 1, updated: 1, unchanged: 1, skipped: 0, failed: 0 });
      assert.equal(await customersCount(), before + 1);
      assert.equal((await findCustomer('13800138401')).occupation, '设计师');
    });

    it('maps a Shopify customer export', async () => {
      const d = await uploaded(fixture('shopify-customers.csv'), 'customers_export.csv');
      const columns = d.suggestions.customers.columns;
      const at = (h: string) => columns[d.headers.indexOf(h)];
      assert.equal(at('Customer ID'), 'externalId');
      assert.equal(at('First Name'), 'firstName');
      assert.equal(at('Last Name'), 'lastName');
      assert.equal(at('Email'), 'email');
      assert.equal(at('Phone'), 'mobile');
      assert.equal(at('Default Address Province Code'), 'province');
      assert.equal(at('Default Address Country Code'), 'country');
      assert.equal(at('Tags'), 'tags');
      assert.equal(at('Total Spent'), '');
      await dryRun(d);
      const done = await run(d.id);
      assert.equal(
        done.result.created,
        2,
        JSON.stringify(await admin.call('GET', `/imports/${d.id}/issues?phase=run`).then((r) => r.json())),
      );
      const jon = await findCustomer('jon@example.com');
      assert.equal(jon.name, 'Jon Snow');
      assert.equal(jon.province, '广东省');
      assert.equal(jon.externalId, '7005467758876');
      assert.deepEqual(jon.tags, ['vip', 'newsletter']);
    });

    it('imports orders grouped by order number, refuses an order whose amounts do not add up, and never doubles one', async () => {
      const d = await uploaded(fixture('orders.csv'), 'pos.csv');
      const columns = d.suggestions.orders.columns;
      assert.deepEqual(columns, [
        'orderNumber',
        'placedAt',
        'customerMobile',
        'customerName',
        'store',
        'sku',
        'productName',
        'quantity',
        'price',
        'amount',
        'status',
      ]);
      const v = await dryRun(d, { kind: 'orders', mapping: { columns } });
      assert.equal(v.status, 'validated', JSON.stringify(v.error));
      assert.deepEqual(v.dryRun, { valid: 3, invalid: 2, matched: 0 });
      const issues = (await admin.call('GET', `/imports/${d.id}/issues`)).json().items;
      assert.deepEqual(
        issues.map((i: { line: number }) => i.line),
        [5, 6],
      );
      assert.match(issues[0].problems[0].message, /should be 48.00, the paid amount is 50.00|48\.00/);
      const done = await run(d.id);
      assert.deepEqual(done.result, { processed: 5, created: 2, updated: 0, unchanged: 0, skipped: 0, failed: 2 });
      const buyer = await findCustomer('13700137002');
      assert.equal(buyer.name, '周一');
      const orders = (await admin.call('GET', `/orders?customerId=${buyer.id}`)).json().items;
      assert.equal(orders.length, 1);
      assert.equal(orders[0].externalId, 'P20260301002');
      assert.equal(orders[0].paidAmount, '76.00');
      assert.equal(orders[0].items.length, 2);
      assert.equal(orders[0].placedAt, '2026-03-01T03:02:00.000Z', 'a wall time in the business zone (Asia/Shanghai)');

      const again = await uploaded(fixture('orders.csv'), 'pos.csv');
      await dryRun(again, { kind: 'orders', mapping: { columns } });
      assert.equal((await get(again.id)).dryRun.matched, 3);
      const second = await run(again.id);
      assert.deepEqual(second.result, { processed: 5, created: 0, updated: 0, unchanged: 2, skipped: 0, failed: 2 });
      assert.equal((await admin.call('GET', `/orders?customerId=${buyer.id}`)).json().items.length, 1);
    });

    it('refuses to run before a dry run, and deletes an import with its file', async () => {
      const d = await uploaded('手机号\n13800138301\n');
      const early = await admin.call('POST', `/imports/${d.id}/run`);
      assert.equal(early.statusCode, 409);
      const del = await admin.call('DELETE', `/imports/${d.id}`);
      assert.equal(del.statusCode, 204);
      assert.equal((await admin.call('GET', `/imports/${d.id}`)).statusCode, 404);
      const list = (await admin.call('GET', '/imports?limit=2')).json();
      assert.equal(list.items.length, 2);
      assert.ok(list.nextCursor);
    });
  });
});
