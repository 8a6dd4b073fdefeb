import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDb } from '../../../test/harness.ts';
import type { Db } from '../../platform/db/db.ts';
import { DomainError } from '../../platform/http/errors.ts';
import { ageOn } from './customer.dto.ts';
import { customerColumnsSql } from './customers.repository.ts';
import {
  birthdayCutoff,
  classifySearch,
  compileCustomerCount,
  compileCustomerList,
  CustomerFilter,
  CustomerFilterBody,
  decodeCursor,
  encodeCursor,
  escapeLike,
  type AttributeType,
  type QueryEnv,
} from './customer-query.ts';
import { nameTermsOf } from './name-search.ts';

const env: QueryEnv = {
  today: '2026-11-23',
  timeZone: 'Asia/Shanghai',
  blindIndex: (field, v) => `${field}:${v}`,
  attributeTypes: new Map<string, AttributeType>([
    ['level', 'choice'],
    ['hobbies', 'multi_choice'],
    ['score', 'number'],
    ['joined', 'date'],
    ['nickname', 'text'],
  ]),
};
const parse = (q: Record<string, unknown>) => CustomerFilterBody.parse(q);
const list = (q: Record<string, unknown>, sort = '-createdAt' as const) =>
  compileCustomerList({ filter: parse(q), sort, limit: 50, env });
const norm = (s: string) => s.replace(/\s+/g, ' ');
const field = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof DomainError, String(err));
    return err.field;
  }
  assert.fail('expected a DomainError');
};

describe('customer query compiler', () => {
  it('compiles each filter into a whitelisted condition with its value as a parameter', () => {
    const cases: [Record<string, unknown>, string, unknown[]][] = [
      [{ gender: 'female' }, 'c.gender = $1', ['female']],
      [{ province: '浙江省', city: '杭州市' }, 'c.province = $1 and c.city = $2', ['浙江省', '杭州市']],
      [{ source: 'tmall' }, 'c.source = $1', ['tmall']],
      [
        { touchpointId: '00000000-0000-4000-8000-000000000001' },
        'c.touchpoint_id = $1::uuid',
        ['00000000-0000-4000-8000-000000000001'],
      ],
      [
        { ownerId: '00000000-0000-4000-8000-000000000002' },
        'c.owner_id = $1::uuid',
        ['00000000-0000-4000-8000-000000000002'],
      ],
      [{ tag: 'VIP' }, 'c.tags @> $1::text[]', [['VIP']]],
      [{ tag: ['VIP', '老客', 'VIP'] }, 'c.tags @> $1::text[]', [['VIP', '老客']]],
      [{ hasOrdered: 'true' }, 's.order_count > 0', []],
      [{ hasOrdered: false }, 's.order_count = 0', []],
      [
        { spentMin: '100', spentMax: '999.99' },
        's.total_spent >= $1::numeric and s.total_spent <= $2::numeric',
        ['100', '999.99'],
      ],
      [{ orderCountMin: '2', orderCountMax: 5 }, 's.order_count >= $1::int and s.order_count <= $2::int', [2, 5]],
      // 30–39 on 2026-11-23: born on or before 1996-11-23 and after 1986-11-23
      [{ ageMin: 30, ageMax: 39 }, 'c.birthday <= $1::date and c.birthday > $2::date', ['1996-11-23', '1986-11-23']],
      [
        { lastOrderFrom: '2026-01-01' },
        `coalesce(s.last_order_at, '-infinity'::timestamptz) >= ($2::date::timestamp at time zone $1)`,
        ['Asia/Shanghai', '2026-01-01'],
      ],
      [{ attributes: '{"level":"gold"}' }, 'c.attributes @> $1::jsonb', ['{"level":"gold"}']],
      [{ attributes: { hobbies: 'tea' } }, 'c.attributes @> $1::jsonb', ['{"hobbies":["tea"]}']],
      [
        { attributes: { level: ['gold', 'silver'] } },
        '(c.attributes @> $1::jsonb or c.attributes @> $2::jsonb)',
        ['{"level":"gold"}', '{"level":"silver"}'],
      ],
    ];
    for (const [query, where, params] of cases) {
      const q = list(query);
      assert.ok(norm(q.text).includes(`where ${where}`), `${JSON.stringify(query)} → ${norm(q.text)}`);
      assert.deepEqual(q.params.slice(0, -1), params, JSON.stringify(query));
      assert.equal(q.params.at(-1), 51, 'limit + 1');
    }
  });

  it('compares number and date attributes through guarded casts', () => {
    const n = list({ attributes: { score: { min: 10, max: 20 } } });
    assert.match(
      norm(n.text),
      /jsonb_typeof\(c\.attributes -> \$1\) = 'number' then \(c\.attributes ->> \$1\)::numeric end\) >= \$2::numeric/,
    );
    assert.deepEqual(n.params.slice(0, 3), ['score', 10, 20]);
    const d = list({ attributes: { joined: { min: '2025-01-01' } } });
    assert.match(norm(d.text), /collate "C" >= \$2/);
    assert.deepEqual(d.params.slice(0, 2), ['joined', '2025-01-01']);
  });

  it('names the attribute when a filter does not fit its definition', () => {
    assert.equal(
      field(() => list({ attributes: { nope: 'x' } })),
      'attributes.nope',
    );
    assert.equal(
      field(() => list({ attributes: { nickname: { min: 1 } } })),
      'attributes.nickname',
    );
    assert.equal(
      field(() => list({ attributes: { score: 'ten' } })),
      'attributes.score',
    );
    assert.equal(
      field(() => list({ attributes: { score: { min: '2020-01-01' } } })),
      'attributes.score',
    );
    assert.equal(
      field(() => list({ attributes: { joined: 'yesterday' } })),
      'attributes.joined',
    );
    assert.equal(
      field(() => list({ attributes: { score: {} } })),
      'attributes.score',
    );
    const bad = CustomerFilter.safeParse({ attributes: '{not json' });
    assert.equal(bad.success, false);
    assert.equal(bad.error?.issues[0].message, 'invalid_json');
    assert.deepEqual(bad.error?.issues[0].path, ['attributes']);
    const badKey = CustomerFilter.safeParse({ attributes: '{"Bad Key":1}' });
    assert.equal(badKey.success, false);
  });

  it('searches a mobile or email by blind index, anything else by name, always also by external id', () => {
    const m = list({ search: '138 0013 8000' });
    assert.match(
      norm(m.text),
      /where \(c\.mobile_bidx = \$1 or c\.id = any\(array\(select a\.customer_id from customer_aliases a where a\.field = 'mobile' and a\.lookup = \$1\)\) or c\.external_id = \$2\)/,
    );
    assert.deepEqual(m.params.slice(0, 2), ['mobile:+8613800138000', '138 0013 8000']);
    const e = list({ search: 'Li.Na@Example.COM' });
    assert.match(
      norm(e.text),
      /where \(c\.email_bidx = \$1 or c\.id = any\(.* a\.field = 'email' and a\.lookup = \$1\)\) or c\.external_id = \$2\)/,
    );
    assert.equal(e.params[0], 'email:li.na@example.com');

    const cases: [string, string, unknown[]][] = [
      ['王', '(c.name_terms @> $1::text[] or c.external_id = $2)', [['王'], '王']],
      ['小明', '(c.name_terms @> $1::text[] or c.external_id = $2)', [['小明'], '小明']],
      [
        '王小明',
        '((c.name_terms @> $1::text[] and c.name like $2) or c.external_id = $3)',
        [['王小', '小明'], '%王小明%', '王小明'],
      ],
      ['wx', '((c.name_terms @> array[$1]::text[] or c.name ilike $2) or c.external_id = $3)', ['~wx', 'wx%', 'wx']],
      [
        'WXM',
        '((c.name_terms @> array[$1]::text[] or c.name ilike $2) or c.external_id = $3)',
        ['~wxm', '%WXM%', 'WXM'],
      ],
      ['Zhang', '(c.name ilike $1 or c.external_id = $2)', ['%Zhang%', 'Zhang']],
      ['50%_off', '(c.name ilike $1 or c.external_id = $2)', ['%50\\%\\_off%', '50%_off']],
      ['POS-1001', '(c.name ilike $1 or c.external_id = $2)', ['%POS-1001%', 'POS-1001']],
    ];
    for (const [search, where, params] of cases) {
      const q = list({ search });
      assert.ok(norm(q.text).includes(`where ${where}`), `${search} → ${norm(q.text)}`);
      assert.deepEqual(q.params.slice(0, -1), params, search);
    }
    assert.equal(classifySearch('12345').kind, 'name');
    assert.equal(classifySearch('+1 415 555 2671').kind, 'mobile');
    assert.equal(escapeLike('a\\b%c_d'), 'a\\\\b\\%c\\_d');
  });

  it('pages by (sort key, id) along the index of each sort, in both directions', () => {
    const id = '00000000-0000-4000-8000-00000000000a';
    const cases: [string, string, string, string][] = [
      ['-createdAt', 'c.created_at', 'c.id', '<'],
      ['createdAt', 'c.created_at', 'c.id', '>'],
      ['-totalSpent', 's.total_spent', 's.customer_id', '<'],
      ['totalSpent', 's.total_spent', 's.customer_id', '>'],
      ['-orderCount', 's.order_count', 's.customer_id', '<'],
      ['orderCount', 's.order_count', 's.customer_id', '>'],
      ['-lastOrderAt', "coalesce(s.last_order_at, '-infinity'::timestamptz)", 's.customer_id', '<'],
      ['lastOrderAt', "coalesce(s.last_order_at, '-infinity'::timestamptz)", 's.customer_id', '>'],
    ];
    for (const [sort, key, tie, op] of cases) {
      const k = sort.endsWith('createdAt') || sort.endsWith('lastOrderAt') ? '2026-11-23 08:00:00.123+00' : '12';
      const cursor = decodeCursor(encodeCursor({ s: sort as never, k, id }), sort as never);
      const q = compileCustomerList({ filter: {}, sort: sort as never, limit: 20, cursor, env });
      const dir = sort.startsWith('-') ? 'desc' : 'asc';
      const text = norm(q.text);
      assert.ok(text.includes(`where (${key}, ${tie}) ${op} ($1::`), `${sort}: ${text}`);
      assert.ok(text.includes(`order by ${key} ${dir}, ${tie} ${dir}`), `${sort}: ${text}`);
      assert.deepEqual(q.params, [k, id, 21]);
      assert.ok(
        text.includes(tie.startsWith('s.') ? 'from customer_stats s join customers c' : 'from customers c join'),
      );
    }
  });

  it('refuses a cursor that is not one, or was made for another sort, naming `cursor`', () => {
    const good = encodeCursor({ s: '-totalSpent', k: '10.50', id: '00000000-0000-4000-8000-00000000000a' });
    assert.equal(decodeCursor(good, '-totalSpent').k, '10.50');
    const bad = [
      'not base64!',
      Buffer.from('{"s":"-totalSpent"').toString('base64url'),
      Buffer.from('[1,2]').toString('base64url'),
      encodeCursor({ s: '-totalSpent', k: "1'; drop table customers;--", id: '00000000-0000-4000-8000-00000000000a' }),
      encodeCursor({ s: '-totalSpent', k: '10', id: 'x' }),
      good.slice(0, -3),
    ];
    for (const c of bad)
      assert.equal(
        field(() => decodeCursor(c, '-totalSpent')),
        'cursor',
        c,
      );
    assert.equal(
      field(() => decodeCursor(good, '-orderCount')),
      'cursor',
    );
    const lastOrder = encodeCursor({ s: '-lastOrderAt', k: '-infinity', id: '00000000-0000-4000-8000-00000000000a' });
    assert.equal(decodeCursor(lastOrder, '-lastOrderAt').k, '-infinity');
  });

  it('counts without the stats join unless a filter reads it', () => {
    assert.equal(
      norm(compileCustomerCount({ filter: parse({ gender: 'male' }), env }).text).includes('customer_stats'),
      false,
    );
    assert.ok(compileCustomerCount({ filter: parse({ hasOrdered: 'true' }), env }).text.includes('customer_stats'));
  });

  it('counts ages in whole years, 29 February included', () => {
    assert.equal(birthdayCutoff('2026-11-23', 30), '1996-11-23');
    assert.equal(birthdayCutoff('2028-02-29', 1), '2027-02-28');
    assert.equal(birthdayCutoff('2028-02-29', 4), '2024-02-29');
    assert.equal(ageOn('1996-11-23', '2026-11-23'), 30);
    assert.equal(ageOn('1996-11-24', '2026-11-23'), 29);
    assert.equal(ageOn('2024-02-29', '2027-02-28'), 2);
    assert.equal(ageOn('2024-02-29', '2027-03-01'), 3);
    // the cut-off and ageOn agree on every day of a leap cycle
    for (let day = 0; day < 366 * 4; day += 1) {
      const today = new Date(Date.UTC(2024, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);
      for (const years of [0, 1, 18, 30]) {
        const cutoff = birthdayCutoff(today, years);
        assert.ok(ageOn(cutoff, today) >= years, `${today} ${years}`);
        const next = new Date(Date.parse(cutoff) + 86_400_000).toISOString().slice(0, 10);
        assert.ok(ageOn(next, today) < years, `${today} ${years} ${next}`);
      }
    }
  });
});

describe('customer query on the database', () => {
  let db: Db;
  before(async () => {
    db = await createTestDb();
  });
  after(async () => db.close());

  it('runs every sort and filter as valid SQL', async () => {
    for (const sort of [
      '-createdAt',
      'createdAt',
      '-lastOrderAt',
      'lastOrderAt',
      '-totalSpent',
      'totalSpent',
      '-orderCount',
      'orderCount',
    ] as const) {
      const q = compileCustomerList({
        filter: parse({
          search: '王小明',
          gender: 'female',
          ageMin: 20,
          ageMax: 60,
          province: '浙江省',
          tag: ['VIP'],
          hasOrdered: 'true',
          spentMin: '1',
          orderCountMax: 9,
          lastOrderFrom: '2025-01-01',
          lastOrderTo: '2026-12-31',
          attributes: { level: ['gold'], score: { min: 1 }, joined: { max: '2026-01-01' } },
        }),
        sort,
        limit: 10,
        cursor: decodeCursor(
          encodeCursor({
            s: sort,
            k: sort.endsWith('At') ? '-infinity' : '5',
            id: '00000000-0000-4000-8000-00000000000a',
          }),
          sort,
        ),
        env,
      });
      await db.query(q.text, q.params);
      // exports read whole rows through the same query
      const rows = compileCustomerList({ filter: {}, sort, limit: 10, env, rows: { columns: customerColumnsSql } });
      assert.match(rows.text, /left join touchpoints tp/);
      await db.query(rows.text, rows.params);
    }
  });

  it('uses the name-terms index for a name search and the blind-index key for a mobile (PostgreSQL plans)', async (t) => {
    if (db.kind !== 'postgres') {
      t.skip('planner check on the PostgreSQL server only');
      return;
    }
    // a table of some size with names as people have them, so the plan is a real choice
    const surnames = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗'];
    const given = [...'伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂'];
    const names = Array.from(
      { length: 5000 },
      (_, i) => surnames[i % 20] + given[(i * 7) % 25] + (i % 3 ? given[(i * 13) % 25] : ''),
    );
    await db.query(
      `insert into customers (name, name_terms, mobile_bidx, email_bidx)
       select n, t::text[], 'm' || i::text, 'e' || i::text
       from unnest($1::text[], $2::text[]) with ordinality as x(n, t, i)`,
      [names, names.map((n) => `{${nameTermsOf(n).join(',')}}`)],
    );
    await db.query('insert into customer_stats (customer_id) select id from customers');
    await db.query('analyze customers');
    await db.query('analyze customer_stats');
    const explain = async (q: { text: string; params: unknown[] }) =>
      db.transaction(async (tx) => {
        // a few thousand rows are cheap to scan whole; forbid that so the plan shows what can serve the condition
        await tx.query('set local enable_seqscan = off');
        const rows = await tx.query<{ 'QUERY PLAN': string }>(`explain ${q.text}`, q.params);
        return rows.map((r) => r['QUERY PLAN']).join('\n');
      });
    const uses = (index: string) => new RegExp(`Scan (Backward )?(on|using) ${index} `);
    // the search condition alone (a count has no ORDER BY … LIMIT that could walk another index instead)
    const plan = (filter: Record<string, unknown>) => explain(compileCustomerCount({ filter: parse(filter), env }));
    assert.match(await plan({ search: '王' }), uses('customers_name_terms_idx'));
    assert.match(await plan({ search: '王芳' }), uses('customers_name_terms_idx'));
    // three or more: the pairs (name_terms) or the trigram index, whichever the planner finds cheaper
    assert.match(await plan({ search: '王芳明' }), uses('customers_name_(terms|trgm)_idx'));
    assert.match(await plan({ search: 'wfm' }), uses('customers_name_terms_idx'));
    assert.match(await plan({ search: 'Zhang' }), uses('customers_name_trgm_idx'));
    assert.match(await plan({ search: '13800138000' }), uses('customers_mobile_bidx_key'));
    assert.match(await plan({ search: 'li@example.com' }), uses('customers_email_bidx_key'));
    assert.match(await plan({ tag: 'VIP' }), uses('customers_tags_idx'));
    assert.match(await plan({ attributes: { level: 'gold' } }), uses('customers_attributes_idx'));
    // on a table of a few rows the planner may read the range from the duplicates' (name, birthday) index instead
    assert.match(await plan({ ageMin: 30, ageMax: 39 }), uses('customers_(name_)?birthday_idx'));
    assert.match(
      await explain(compileCustomerList({ filter: {}, sort: '-createdAt', limit: 50, env })),
      /customers_created_idx/,
    );
    // a later page starts inside the index, not by skipping the pages before it
    const cursor = {
      s: '-createdAt' as const,
      k: '2026-01-01 00:00:00+00',
      id: '00000000-0000-4000-8000-00000000000a',
    };
    assert.match(
      await explain(compileCustomerList({ filter: {}, sort: '-createdAt', limit: 50, cursor, env })),
      /customers_created_idx on customers c .*\n\s+Index Cond: \(ROW\(created_at, id\) < ROW/,
    );
    const statsPlan = (sort: '-totalSpent' | 'orderCount' | '-lastOrderAt') =>
      explain(compileCustomerList({ filter: {}, sort, limit: 50, env }));
    assert.match(await statsPlan('-totalSpent'), /customer_stats_spent_idx/);
    assert.match(await statsPlan('orderCount'), /customer_stats_count_idx/);
    assert.match(await statsPlan('-lastOrderAt'), /customer_stats_last_order_idx/);
  });
});
