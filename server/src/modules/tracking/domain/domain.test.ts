import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createLimiter } from './limiter.ts';
import { correctedTimestamp, findUnstorable, isRefusal, parseMessage } from './messages.ts';
import { defaultTraitMapping, mapTraits, maskedTraits } from './traits.ts';

const receivedAt = new Date('2026-11-23T08:00:00.000Z');

describe('tracking rules: messages', () => {
  it('finds what PostgreSQL refuses (NUL, lone surrogates) in keys and values at any depth', () => {
    const cases: [unknown, string | null][] = [
      [{ a: 'ok', b: ['fine', { c: '😀 pair' }] }, null],
      [{ a: 'x\u0000y' }, 'a'],
      [{ a: { b: ['ok', '\ud800'] } }, 'a.b[1]'],
      [{ a: '\udc00 low alone' }, 'a'],
      [{ 'k\u0000': 1 }, 'k\u0000'],
      ['\ud83d', '(message)'],
    ];
    for (const [value, path] of cases) assert.equal(findUnstorable(value), path, JSON.stringify(value));
  });

  it('never misses a lone surrogate and never flags well-formed text (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme' }),
        (s) => findUnstorable({ s }) === (s.includes('\u0000') ? 's' : null),
      ),
    );
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 0xd800, max: 0xdbff }), (s, hi) => {
        const text = `${s}${String.fromCharCode(hi)}`;
        return findUnstorable({ text }) === 'text';
      }),
    );
  });

  it('corrects clock skew and keeps a sender’s timestamp without sentAt', () => {
    const ts = new Date('2020-01-01T00:00:00Z');
    assert.equal(correctedTimestamp(receivedAt, null, null).getTime(), receivedAt.getTime());
    assert.equal(correctedTimestamp(receivedAt, ts, null).getTime(), ts.getTime());
    const sentAt = new Date(ts.getTime() + 3000);
    assert.equal(correctedTimestamp(receivedAt, ts, sentAt).getTime(), receivedAt.getTime() - 3000);
  });

  it('normalises ids and extracts what is stored per type', () => {
    const m = parseMessage(
      { type: 'page', userId: 42, anonymousId: ' a ', name: 'Home', context: { page: { url: 'https://x/y' } } },
      { receivedAt },
    );
    assert.ok(!isRefusal(m));
    assert.equal(m.userId, '42');
    assert.equal(m.anonymousId, 'a');
    assert.equal(m.url, 'https://x/y');
    const g = parseMessage({ userId: 'u', groupId: 'g', traits: { n: 1 } }, { type: 'group', receivedAt });
    assert.ok(!isRefusal(g));
    assert.deepEqual(g.properties, { groupId: 'g', traits: { n: 1 } });
    const identify = parseMessage(
      { userId: 'u', context: { traits: { a: 1, b: 1 } }, traits: { b: 2 } },
      { type: 'identify', receivedAt },
    );
    assert.ok(!isRefusal(identify));
    assert.deepEqual(identify.traits, { a: 1, b: 2 }, 'context.traits count, the message’s own win');
  });

  it('refuses years PostgreSQL cannot store and unknown types', () => {
    const far = parseMessage(
      { userId: 'u', event: 'e', timestamp: '+275760-09-13T00:00:00.000Z' },
      { type: 'track', receivedAt },
    );
    assert.ok(isRefusal(far) && far.code === 'invalid_timestamp');
    const unknown = parseMessage({ type: 'delete', userId: 'u' }, { receivedAt });
    assert.ok(isRefusal(unknown) && unknown.code === 'unknown_type');
  });
});

describe('tracking rules: trait mapping', () => {
  it('maps Segment’s reserved traits with the defaults', () => {
    const profile = mapTraits(
      {
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: 'ada@example.com',
        phone: '+44 20 7946 0018',
        gender: 'Female',
        birthday: '1815-12-10T00:00:00.000Z',
        address: { street: '12 St James’s Sq', city: '上海市', state: '上海市', country: 'gb' },
        title: 'Mathematician',
      },
      defaultTraitMapping,
    );
    assert.deepEqual(profile, {
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      mobile: '+44 20 7946 0018',
      gender: 'female',
      birthday: '1815-12-10',
      address: '12 St James’s Sq',
      province: '上海市',
      city: '上海市',
      country: 'GB',
      occupation: 'Mathematician',
    });
  });

  it('puts a Chinese family name first, prefers a full name, drops an unknown gender and a country name', () => {
    assert.equal(mapTraits({ firstName: '小雨', lastName: '林' }, defaultTraitMapping).name, '林小雨');
    assert.equal(mapTraits({ name: '林小雨', firstName: 'x' }, defaultTraitMapping).name, '林小雨');
    const p = mapTraits({ gender: 'other', country: 'China' }, defaultTraitMapping);
    assert.equal(p.gender, undefined);
    assert.equal(p.country, undefined);
  });

  it('fills custom attributes and masks identifiers in what the events table keeps', () => {
    const mapping = [
      { trait: 'plan', field: 'attributes.plan' },
      { trait: 'contact.mail', field: 'email' },
      { trait: 'phone', field: 'mobile' },
    ];
    assert.deepEqual(mapTraits({ plan: 'gold', contact: { mail: 'a@b.c' } }, mapping), {
      email: 'a@b.c',
      attributes: { plan: 'gold' },
    });
    const masked = maskedTraits(
      { plan: 'gold', contact: { mail: 'zhang@example.com' }, phone: '13800138000' },
      mapping,
    );
    assert.deepEqual(masked, { plan: 'gold', contact: { mail: 'z***@example.com' }, phone: '138****8000' });
  });
});

describe('tracking rules: back-pressure', () => {
  it('limits requests in flight and a source’s rate, with a Retry-After that pays the debt back', () => {
    let t = 0;
    const limiter = createLimiter({ maxInFlight: 2, now: () => t });
    const a = limiter.admit('s', 100, 150);
    assert.ok(a.ok, 'one request may overdraw');
    const b = limiter.admit('s', 100, 1);
    assert.deepEqual(b, { ok: false, retryAfterSeconds: 1, reason: 'rate' });
    t += 1000;
    const c = limiter.admit('s', 100, 1);
    assert.ok(c.ok, 'paid back after a second');
    const d = limiter.admit('other', 100, 1);
    assert.deepEqual(d, { ok: false, retryAfterSeconds: 1, reason: 'overloaded' });
    if (a.ok) a.release();
    if (a.ok) a.release();
    assert.equal(limiter.inFlight, 1, 'releasing twice counts once');
  });
});
