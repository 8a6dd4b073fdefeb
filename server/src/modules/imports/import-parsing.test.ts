import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { cellText, readRows } from './file-reader.ts';
import { createScanner, findUtf8Line } from './file-scan.ts';
import { headerSignature, normaliseHeader, suggestMapping } from './mapping.ts';
import {
  escapeCell,
  normaliseProvince,
  parseDate,
  parseGender,
  parseMoney,
  parseOrderStatus,
  parseTime,
  unescapeCell,
} from './row-values.ts';

const dir = mkdtempSync(join(tmpdir(), 'kehu-import-parse-'));
const write = (name: string, bytes: Buffer | string) => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
};
const scan = (bytes: Buffer) => {
  const s = createScanner();
  // in small pieces, so multi-byte characters straddle chunk boundaries
  for (let i = 0; i < bytes.length; i += 3) s.update(bytes.subarray(i, i + 3));
  return s.finish();
};

describe('imports: reading files', () => {
  it('tells UTF-8 from GBK by its bytes, across chunk boundaries', () => {
    const text = '姓名,城市\n林小雨,深圳市\n王大明,杭州市\n';
    const utf8 = scan(Buffer.from(text));
    assert.deepEqual(utf8.sniffed, { kind: 'text', encoding: 'utf-8', hasBom: false, firstInvalidLine: null });
    const gbk = scan(iconv.encode(text, 'gbk'));
    assert.deepEqual(gbk.sniffed, { kind: 'text', encoding: 'gb18030', hasBom: false, firstInvalidLine: 1 });
    assert.equal(scan(Buffer.from('')).sniffed.kind, 'empty');
    assert.equal(scan(Buffer.from('a\u0000b')).sniffed.kind, 'binary');
    assert.equal(utf8.hash.length, 64);
  });

  it('finds the UTF-8 line in a GBK file, and none in a pure GBK file with short names', async () => {
    const names = ['张伟', '王芳', '李娜', '刘洋', '陈静', '杨帆', '赵磊', '黄敏', '周杰', '吴昊', '徐丽', '孙强'];
    const gbkOnly = iconv.encode(`${names.map((n, i) => `${n},1380013800${i % 10}`).join('\n')}\n`, 'gbk');
    assert.equal(await findUtf8Line(write('gbk.csv', gbkOnly)), null);
    const mixed = Buffer.concat([gbkOnly, Buffer.from('林小雨,13800138001\n')]);
    assert.equal(await findUtf8Line(write('mixed.csv', mixed)), names.length + 1);
  });

  it('parses CSV rows with quotes, newlines in cells, semicolons and ragged rows; line numbers as a spreadsheet shows them', async () => {
    const rows = [];
    for await (const r of readRows({
      path: write('a.csv', 'a;b\n1;"x\ny"\n\n2;3;4\n"5";\n'),
      format: 'csv',
      encoding: 'utf-8',
    })) {
      rows.push(r);
    }
    assert.deepEqual(rows, [
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['1', 'x\ny'] },
      { line: 4, cells: ['2', '3', '4'] },
      { line: 5, cells: ['5', ''] },
    ]);
  });

  it('stops at a quote that never closes, naming the line', async () => {
    await assert.rejects(
      (async () => {
        for await (const _ of readRows({ path: write('q.csv', 'a,b\n1,"2\n3,4\n'), format: 'csv', encoding: 'utf-8' }));
      })(),
      (err: Error & { code?: string; params?: { line: number } }) =>
        err.code === 'IMPORT_QUOTE_NOT_CLOSED' && typeof err.params?.line === 'number',
    );
  });

  it('turns spreadsheet cells into text without running formulas', () => {
    assert.equal(cellText(13800138000), '13800138000');
    assert.equal(cellText(new Date(Date.UTC(1990, 4, 20))), '1990-05-20');
    assert.equal(cellText(new Date(Date.UTC(2026, 2, 1, 14, 30))), '2026-03-01 14:30:00');
    assert.equal(cellText({ formula: 'SUM(A1:A2)', result: 3 }), '3');
    assert.equal(cellText({ formula: "cmd|' /C calc'!A0" }), "=cmd|' /C calc'!A0");
    assert.equal(cellText({ richText: [{ text: '林' }, { text: '小雨' }] }), '林小雨');
    assert.equal(cellText({ error: '#N/A' }), '');
  });
});

describe('imports: reading values', () => {
  it('reads dates in the ways exports write them, and refuses impossible ones', () => {
    for (const v of ['1990-05-20', '1990/5/20', '1990.05.20', '1990年5月20日', '19900520', '1990-05-20 00:00:00']) {
      assert.equal(parseDate(v), '1990-05-20', v);
    }
    for (const v of ['1990-02-30', '20/05/1990', 'May 20', '1850-01-01', '']) assert.equal(parseDate(v), null, v);
  });

  it('reads wall times in the business time zone and ISO times as given', () => {
    assert.equal(parseTime('2026-03-01 14:30', 'Asia/Shanghai')?.toISOString(), '2026-03-01T06:30:00.000Z');
    assert.equal(parseTime('2026/3/1', 'Asia/Shanghai')?.toISOString(), '2026-02-28T16:00:00.000Z');
    assert.equal(parseTime('2026-07-01 12:00', 'Europe/Berlin')?.toISOString(), '2026-07-01T10:00:00.000Z');
    assert.equal(parseTime('2026-03-01T14:30:00+08:00', 'UTC')?.toISOString(), '2026-03-01T06:30:00.000Z');
    assert.equal(parseTime('2026-03-01 25:00', 'UTC'), null);
  });

  it('reads money, genders, statuses and provinces in Chinese and English', () => {
    assert.equal(parseMoney('¥1,299.5'), '1299.50');
    assert.equal(parseMoney('88元'), '88.00');
    assert.equal(parseMoney('-5'), null);
    assert.equal(parseMoney('1.234'), null);
    assert.equal(parseGender('女士'), 'female');
    assert.equal(parseGender('M'), 'male');
    assert.equal(parseGender('?'), null);
    assert.equal(parseOrderStatus('部分退款'), 'partially_refunded');
    assert.equal(parseOrderStatus('Partially Refunded'), 'partially_refunded');
    assert.equal(normaliseProvince('广东'), '广东省');
    assert.equal(normaliseProvince('GD'), '广东省');
    assert.equal(normaliseProvince('CN-YZ'), '西藏自治区');
    assert.equal(normaliseProvince('内蒙古'), '内蒙古自治区');
    assert.equal(normaliseProvince('新疆'), '新疆维吾尔自治区');
    assert.equal(normaliseProvince('Bavaria'), 'Bavaria');
  });

  it('escapes formula cells written back and takes the escape off again', () => {
    for (const v of ['=cmd|x', '+1', '-2', '@SUM(A1)']) {
      assert.equal(escapeCell(v), `'${v}`);
      assert.equal(unescapeCell(escapeCell(v)), v);
    }
    assert.equal(escapeCell('林小雨'), '林小雨');
    assert.equal(unescapeCell("'7005467758876"), '7005467758876', "Shopify's text marker on ids");
    assert.equal(unescapeCell("'Connor"), "'Connor");
  });
});

describe('imports: recognising headers', () => {
  it('maps Chinese, English and Shopify headers; a target taken once', () => {
    assert.equal(normaliseHeader(' Default Address Province Code '), 'defaultaddressprovincecode');
    assert.equal(normaliseHeader('手机号码：'), '手机号码');
    assert.deepEqual(
      suggestMapping(
        'customers',
        ['姓名', '手机', '电话', 'E-mail', '地址', '详细地址', '等级'],
        [{ key: 'level', label: '等级', type: 'choice', options: [], isRequired: false }],
      ),
      ['name', 'mobile', '', 'email', 'address', 'address', 'attributes.level'],
    );
    assert.deepEqual(suggestMapping('orders', ['小票号', '消费时间', '会员卡号', '实收金额'], []), [
      'orderNumber',
      'placedAt',
      'customerMemberCard',
      'amount',
    ]);
    assert.equal(headerSignature(['姓名', 'Email']), headerSignature([' 姓名 ', 'EMAIL']));
  });
});
