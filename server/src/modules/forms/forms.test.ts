import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import {
  adminEmail,
  adminPassword,
  createClockedKehu,
  signIn,
  type ClockedKehu,
  type Session,
} from '../../../test/auth-fixtures.ts';
import { signInWith } from '../../../test/role-fixtures.ts';
import { startTestSmtp } from '../../../test/smtp.ts';
import { until } from '../../../test/until.ts';

type Form = {
  id: string;
  slug: string;
  path: string;
  status: string;
  counts: { submissions: number; confirmed: number; blocked: number };
};
const both = (zh: string, en: string) => ({ 'zh-CN': zh, en });
const hour = 3600_000;

/** A sign-up form as the builder sends it; `over` replaces top-level parts. */
function formBody(over: Record<string, unknown> = {}) {
  return {
    name: '春季会员招募',
    title: both('加入会员 <享好礼>', 'Join us <and save>'),
    fields: [
      { key: 'name', label: both('姓名', 'Name'), required: true },
      { key: 'mobile', label: both('手机号', 'Mobile'), required: true },
      { key: 'email', label: both('邮箱', 'Email'), required: false },
      { key: 'gender', label: both('性别', 'Gender'), required: false },
      { key: 'region', label: both('所在地区', 'Region'), required: false },
      { key: 'attributes.skin', label: both('肤质', 'Skin type'), required: false },
    ],
    consents: [
      {
        id: 'terms',
        purpose: 'privacy_policy',
        channel: 'any',
        label: both('我已阅读并同意隐私政策', 'I accept the privacy policy'),
        policyText: both('我们仅为会员服务使用您的信息。', 'We use your data for membership only.'),
        policyVersion: 'v3',
        required: true,
      },
      {
        id: 'sms',
        purpose: 'marketing',
        channel: 'sms',
        label: both('我愿意接收短信优惠', 'Send me offers by SMS'),
        policyText: both('每月最多 4 条，回复 TD 退订。', 'At most 4 a month; reply STOP to stop.'),
        required: false,
      },
    ],
    ...over,
  };
}

describe('forms: builder, public page, submissions, consent, double opt-in', () => {
  let kehu: ClockedKehu;
  let admin: Session;
  let viewer: Session;
  let nobody: Session;
  let smtp: Awaited<ReturnType<typeof startTestSmtp>>;
  let form: Form;

  const post = (url: string, payload: string | Record<string, unknown>, opts: Partial<InjectOptions> = {}) =>
    kehu.app.inject({
      method: 'POST',
      url,
      ...(typeof payload === 'string'
        ? { payload, headers: { 'content-type': 'application/x-www-form-urlencoded', ...opts.headers } }
        : { payload, headers: { ...opts.headers } }),
      remoteAddress: opts.remoteAddress ?? '203.0.113.7',
    });
  const urlencoded = (fields: Record<string, string | string[]>) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) q.append(k, x);
    return q.toString();
  };
  const customerByMobile = async (mobile: string) => {
    const res = await admin.call('GET', `/customers?search=${encodeURIComponent(mobile)}`);
    return (res.json().items as { id: string; name: string }[])[0];
  };

  before(async () => {
    smtp = await startTestSmtp({ user: 'kehu', password: 'smtp-secret' });
    kehu = await createClockedKehu({
      KEHU_ADMIN_EMAIL: adminEmail,
      KEHU_ADMIN_PASSWORD: adminPassword,
      KEHU_JOB_POLL_SECONDS: '0.5',
      KEHU_PUBLIC_URL: 'https://crm.example.com',
    });
    admin = await signIn(kehu, adminEmail, adminPassword);
    viewer = await signInWith(kehu, admin, 'viewer@kehu.test', { key: 'read_only' });
    nobody = await signInWith(kehu, admin, 'nobody@kehu.test', { permissions: ['customers.view'] });
    const attr = await admin.call('POST', '/customer-attributes', {
      key: 'skin',
      label: '肤质',
      type: 'choice',
      options: [
        { value: 'dry', label: '干性' },
        { value: 'oily', label: '油性' },
      ],
    });
    assert.equal(attr.statusCode, 201, attr.body);
    const settings = await admin.call('PATCH', '/settings', {
      smtp: {
        host: '127.0.0.1',
        port: smtp.port,
        secure: false,
        user: 'kehu',
        password: 'smtp-secret',
        fromAddress: 'hello@brand.example',
      },
    });
    assert.equal(settings.statusCode, 200, settings.body);
  });
  after(async () => {
    await kehu.close();
    await smtp.close();
  });

  describe('builder', () => {
    it('creates a draft with defaults, a made-up slug and counts, and audits it', async () => {
      const res = await admin.call('POST', '/forms', formBody({ tags: ['春季活动', '春季活动'] }));
      assert.equal(res.statusCode, 201, res.body);
      form = res.json();
      assert.equal(form.status, 'draft');
      assert.match(form.slug, /^[a-z0-9]{10}$/);
      assert.equal(form.path, `/f/${form.slug}`);
      assert.deepEqual(form.counts, { submissions: 0, confirmed: 0, blocked: 0 });
      const full = res.json();
      assert.deepEqual(full.tags, ['春季活动']);
      assert.deepEqual(full.submitLabel, both('提交', 'Submit'));
      assert.equal(full.language, 'zh-CN');
      const list = (await viewer.call('GET', '/forms')).json();
      assert.deepEqual(
        list.items.map((f: Form) => f.id),
        [form.id],
      );
      const options = (await viewer.call('GET', '/forms/field-options')).json();
      assert.ok(options.profileFields.includes('region'));
      assert.deepEqual(
        options.attributes.map((a: { key: string }) => a.key),
        ['skin'],
      );
      const audit = (await admin.call('GET', `/audit?entityId=${form.id}`)).json();
      assert.ok((audit.items as { action: string }[]).some((a) => a.action === 'form.created'));
    });

    it('names every problem of a form in the reader’s language', async () => {
      const res = await admin.call(
        'POST',
        '/forms',
        formBody({
          doubleOptIn: true,
          fields: [
            { key: 'name', label: both('姓名', 'Name'), required: true },
            { key: 'name', label: both('姓名', 'Name'), required: false },
            { key: 'attributes.nope', label: both('无', 'None'), required: false },
          ],
          consents: [
            { ...formBody().consents[0] },
            { ...formBody().consents[0], purpose: 'marketing' },
            { ...formBody().consents[1], purpose: 'privacy_policy', channel: 'any', id: 'other' },
          ],
        }),
      );
      assert.equal(res.statusCode, 422, res.body);
      const fields = (res.json().error.fields as { field: string; code: string; message: string }[]).map((f) => [
        f.field,
        f.code,
      ]);
      assert.deepEqual(fields, [
        ['fields.1.key', 'form_field_duplicate'],
        ['fields.2.key', 'form_attribute_unknown'],
        ['fields', 'form_needs_identifier'],
        ['doubleOptIn', 'form_double_opt_in_needs_email'],
        ['consents.1.id', 'form_consent_id_duplicate'],
        ['consents.2.channel', 'form_consent_duplicate'],
      ]);
      assert.match(res.json().error.fields[3].message, /Double opt-in needs a required email field/);

      const schema = await admin.call('POST', '/forms', formBody({ slug: 'Bad Slug!', fields: [{ key: 'phone' }] }));
      assert.equal(schema.statusCode, 422);
      const names = (schema.json().error.fields as { field: string; code: string }[]).map(
        (f) => `${f.field}:${f.code}`,
      );
      assert.ok(names.includes('slug:invalid_form_slug'), names.join());
      assert.ok(names.includes('fields.0.key:invalid_form_field_key'), names.join());
      assert.ok(names.includes('fields.0.label:required'), names.join());
    });

    it('publishes with a chosen slug, refuses a taken one, and keeps strangers out', async () => {
      const res = await admin.call('PATCH', `/forms/${form.id}`, { slug: 'spring-2026', status: 'published' });
      assert.equal(res.statusCode, 200, res.body);
      form = res.json();
      assert.equal(form.status, 'published');
      assert.ok(res.json().publishedAt);
      const other = await admin.call('POST', '/forms', formBody({ slug: 'spring-2026' }));
      assert.equal(other.statusCode, 409);
      assert.equal(other.json().error.code, 'form_slug_taken');

      assert.equal((await viewer.call('POST', '/forms', formBody())).statusCode, 403);
      assert.equal((await viewer.call('PATCH', `/forms/${form.id}`, { name: 'x' })).statusCode, 403);
      assert.equal((await nobody.call('GET', '/forms')).statusCode, 403);
      assert.equal((await nobody.call('GET', `/forms/${form.id}/submissions`)).statusCode, 403);
      assert.equal((await kehu.app.inject({ method: 'GET', url: '/api/v1/forms' })).statusCode, 401);
    });
  });

  describe('public page', () => {
    it('is served as HTML anyone may frame, escaped, while the app itself may not be framed', async () => {
      const res = await kehu.app.inject({ method: 'GET', url: '/f/spring-2026' });
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /text\/html/);
      const csp = String(res.headers['content-security-policy']);
      assert.match(csp, /frame-ancestors \*/);
      assert.match(csp, /script-src 'self'/);
      assert.doesNotMatch(csp, /unsafe-inline/);
      assert.equal(res.headers['x-frame-options'], undefined);
      assert.match(res.body, /加入会员 &lt;享好礼&gt;/);
      assert.doesNotMatch(res.body, /<享好礼>/);
      assert.doesNotMatch(res.body, /<script>(?!<\/script>)|<style/, 'no inline script or style');
      assert.match(res.body, /name="website"/, 'the honeypot');
      assert.match(res.body, /<option value="广东省">/);
      assert.match(res.body, /干性/);
      assert.match(
        (await kehu.app.inject({ method: 'GET', url: '/f/spring-2026?lang=en' })).body,
        /Join us &lt;and save&gt;/,
      );

      const api = await admin.call('GET', '/forms');
      assert.match(String(api.headers['content-security-policy']), /frame-ancestors 'none'/);
      const confirm = await kehu.app.inject({ method: 'GET', url: '/f/spring-2026/confirm' });
      assert.match(String(confirm.headers['content-security-policy']), /frame-ancestors 'none'/);

      const embed = await kehu.app.inject({ method: 'GET', url: '/f/embed.js' });
      assert.equal(embed.statusCode, 200);
      assert.match(String(embed.headers['content-type']), /javascript/);
      assert.equal(embed.headers['cross-origin-resource-policy'], 'cross-origin');
      const css = await kehu.app.inject({ method: 'GET', url: '/f/assets/form.css' });
      assert.equal(css.statusCode, 200);
    });

    it('answers 404 for drafts and unknown forms, and 410 once closed', async () => {
      const draft = (await admin.call('POST', '/forms', formBody({ slug: 'draft-form' }))).json();
      for (const url of ['/f/draft-form', '/f/no-such-form', '/f/..%2Fetc']) {
        const res = await kehu.app.inject({ method: 'GET', url });
        assert.equal(res.statusCode, 404, url);
        assert.match(res.body, /表单不存在/);
      }
      await admin.call('PATCH', `/forms/${draft.id}`, { status: 'closed' });
      const closed = await kehu.app.inject({
        method: 'GET',
        url: '/f/draft-form',
        headers: { 'accept-language': 'en' },
      });
      assert.equal(closed.statusCode, 410);
      assert.match(closed.body, /no longer accepts submissions/);
      const json = await post('/api/v1/public/forms/draft-form/submissions', { fields: {} });
      assert.equal(json.statusCode, 409);
      assert.equal(json.json().error.code, 'form_closed');
      assert.equal((await admin.call('DELETE', `/forms/${draft.id}`)).statusCode, 204, 'no submissions: deletable');
    });
  });

  describe('submitting', () => {
    let customerId: string;

    it('creates the customer, records consent with its words, and stores the answers encrypted', async () => {
      const res = await post(
        '/f/spring-2026',
        urlencoded({
          name: '  王小丫 ',
          mobile: '139 1234 5678',
          email: 'Wang.Xiaoya@example.com',
          gender: 'female',
          province: '广东省',
          city: '深圳市',
          'attributes.skin': 'dry',
          'consent.terms': '1',
          'consent.sms': '1',
          website: '',
        }),
        { headers: { 'user-agent': 'Mozilla/5.0 (iPhone)' } },
      );
      assert.equal(res.statusCode, 200, res.body);
      assert.match(res.body, /感谢您的提交/);
      assert.match(String(res.headers['cache-control']), /no-store/);

      const customer = await customerByMobile('13912345678');
      assert.ok(customer, 'customer created');
      customerId = customer.id;
      const c = (await admin.call('GET', `/customers/${customerId}`)).json();
      assert.equal(c.name, '王小丫');
      assert.equal(c.source, 'form');
      assert.equal(c.city, '深圳市');
      assert.equal(c.gender, 'female');
      assert.deepEqual(c.attributes, { skin: 'dry' });
      assert.deepEqual(c.tags, ['春季活动']);

      const consents = (await admin.call('GET', `/customers/${customerId}/consents`)).json();
      assert.deepEqual(
        consents.current.map((s: { purpose: string; channel: string; status: string; source: string }) => [
          s.purpose,
          s.channel,
          s.status,
          s.source,
        ]),
        [
          ['marketing', 'sms', 'granted', `form:${form.id}`],
          ['privacy_policy', 'any', 'granted', `form:${form.id}`],
        ],
      );
      const terms = consents.history.find((h: { purpose: string }) => h.purpose === 'privacy_policy');
      assert.equal(terms.policyText, '我已阅读并同意隐私政策\n\n我们仅为会员服务使用您的信息。');
      assert.equal(terms.policyVersion, 'v3');
      assert.equal(terms.evidence.userAgent, 'Mozilla/5.0 (iPhone)');
      assert.match(terms.evidence.ipHash, /^[A-Za-z0-9_-]{22}$/);

      const timeline = (await admin.call('GET', `/customers/${customerId}/timeline`)).json();
      const kinds = timeline.items.map((a: { kind: string }) => a.kind);
      assert.deepEqual(kinds, ['form.submitted', 'customer.created']);
      assert.equal(timeline.items[0].summary.form, '春季会员招募');

      const [row] = await kehu.db.query<{ ip_hash: string; answers_enc: string; status: string }>(
        'select ip_hash, answers_enc, status from form_submissions where customer_id = $1',
        [customerId],
      );
      assert.equal(row.status, 'received');
      assert.ok(!row.ip_hash.includes('203.0.113'), 'the address is hashed');
      assert.ok(!row.answers_enc.includes('1391234') && !row.answers_enc.includes('王小丫'), 'answers encrypted');
    });

    it('lists submissions with personal data masked, and in clear only for customers.reveal (audited)', async () => {
      const masked = (await viewer.call('GET', `/forms/${form.id}/submissions`)).json();
      assert.equal(masked.isMasked, true);
      assert.equal(masked.items.length, 1);
      const s = masked.items[0];
      assert.equal(s.answers.name, '王小丫');
      assert.match(s.answers.mobile, /\*/);
      assert.doesNotMatch(s.answers.mobile, /12345678/);
      assert.match(s.answers.email, /\*/);
      assert.equal(s.answers.region, '广东省 深圳市');
      assert.deepEqual(s.customer, { id: customerId, name: '王小丫' });
      assert.equal((await viewer.call('GET', `/forms/${form.id}/submissions?reveal=true`)).statusCode, 403);
      const clear = (await admin.call('GET', `/forms/${form.id}/submissions?reveal=true`)).json();
      assert.equal(clear.items[0].answers.mobile, '139 1234 5678');
      const audit = (await admin.call('GET', `/audit?entityId=${form.id}`)).json();
      assert.ok((audit.items as { action: string }[]).some((a) => a.action === 'form.submissions_revealed'));
      const list = (await admin.call('GET', '/forms')).json();
      assert.deepEqual(list.items.find((f: Form) => f.id === form.id).counts, {
        submissions: 1,
        confirmed: 0,
        blocked: 0,
      });
    });

    it('updates a returning customer, filling only empty fields', async () => {
      kehu.advance(1000);
      const res = await post('/api/v1/public/forms/spring-2026/submissions', {
        fields: {
          name: '别的名字',
          mobile: '+86 139-1234-5678',
          email: 'other@example.com',
          'attributes.skin': 'oily',
        },
        consents: ['terms'],
      });
      assert.equal(res.statusCode, 201, res.body);
      assert.deepEqual(res.json(), { status: 'received', message: '感谢您的提交！' });
      const c = (await admin.call('GET', `/customers/${customerId}`)).json();
      assert.equal(c.name, '王小丫', 'the name is kept');
      assert.deepEqual(c.attributes, { skin: 'dry' });
      const [{ n }] = await kehu.db.query<{ n: number }>('select count(*)::int as n from customers');
      assert.equal(n, 1);
      const subs = (await admin.call('GET', `/forms/${form.id}/submissions`)).json();
      assert.equal(subs.items[0].outcome, 'unchanged');
    });

    it('refuses missing and malformed answers with field errors in the form’s language', async () => {
      const html = await post('/f/spring-2026', urlencoded({ name: '', mobile: '', email: 'x' }), {
        remoteAddress: '203.0.113.20',
      });
      assert.equal(html.statusCode, 422);
      assert.match(html.body, /请填写姓名/);
      assert.match(html.body, /请填写手机号/);
      assert.match(html.body, /邮箱格式不正确/);
      assert.match(html.body, /请勾选此项后再提交/);
      assert.match(html.body, /value="x"/, 'what was typed is shown again');
      assert.match(html.body, /aria-invalid="true"/);

      const json = await post(
        '/api/v1/public/forms/spring-2026/submissions',
        { fields: { name: '张三', mobile: '12345' }, consents: ['terms'] },
        { headers: { 'accept-language': 'en' }, remoteAddress: '203.0.113.21' },
      );
      assert.equal(json.statusCode, 422, json.body);
      assert.equal(json.json().error.fields[0].field, 'mobile');
      assert.equal(json.json().error.fields[0].message, '手机号格式不正确', 'the form speaks Chinese');

      const english = await post(
        '/api/v1/public/forms/spring-2026/submissions',
        { fields: { name: '张三', mobile: '138 0000', province: '火星' }, consents: [], locale: 'en' },
        { remoteAddress: '203.0.113.21' },
      );
      assert.equal(english.statusCode, 422);
      const byField = Object.fromEntries(
        (english.json().error.fields as { field: string; message: string }[]).map((f) => [f.field, f.message]),
      );
      assert.equal(byField.region, 'Region is not valid');
      assert.equal(byField['consent.terms'], 'Please tick this box to continue');
      assert.equal(byField.mobile, undefined, 'the customers module checks mobiles once the rest is right');
      const [{ n }] = await kehu.db.query<{ n: number }>('select count(*)::int as n from form_submissions');
      assert.equal(n, 2, 'nothing stored for refused submissions');
    });

    it('answers a filled honeypot like a success and stores nothing', async () => {
      const res = await post(
        '/f/spring-2026',
        urlencoded({ name: 'Bot', mobile: '13700001111', 'consent.terms': '1', website: 'http://spam.example' }),
        { remoteAddress: '198.51.100.1' },
      );
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /感谢您的提交/);
      assert.equal(await customerByMobile('13700001111'), undefined);
      const f = (await admin.call('GET', `/forms/${form.id}`)).json();
      assert.equal(f.counts.blocked, 1);
      assert.equal(f.counts.submissions, 2);
    });

    it('refuses oversized submissions with 413', async () => {
      const big = urlencoded({ name: 'x'.repeat(20_000), mobile: '13700002222', 'consent.terms': '1' });
      const res = await post('/f/spring-2026', big, { remoteAddress: '198.51.100.2' });
      assert.equal(res.statusCode, 413);
      assert.match(res.body, /超出了允许的大小/);
      const json = await post(
        '/api/v1/public/forms/spring-2026/submissions',
        {
          fields: {
            name: 'x'.repeat(4000),
            address: 'y'.repeat(4000),
            occupation: 'z'.repeat(4000),
            education: 'w'.repeat(5000),
          },
        },
        { remoteAddress: '198.51.100.2' },
      );
      assert.equal(json.statusCode, 413);
      assert.equal(json.json().error.code, 'payload_too_large');
    });

    it('limits submissions per address and per form with 429 and Retry-After', async () => {
      const ip = '198.51.100.50';
      let res: LightMyRequestResponse | undefined;
      for (let i = 0; i < 10; i++) {
        res = await post('/f/spring-2026', urlencoded({ website: 'bot' }), { remoteAddress: ip });
        assert.equal(res.statusCode, 200);
      }
      res = await post('/f/spring-2026', urlencoded({ website: 'bot' }), { remoteAddress: ip });
      assert.equal(res.statusCode, 429);
      assert.ok(Number(res.headers['retry-after']) > 0);
      assert.match(res.body, /提交过于频繁/);
      const json = await post('/api/v1/public/forms/spring-2026/submissions', { fields: {} }, { remoteAddress: ip });
      assert.equal(json.statusCode, 429);
      assert.equal(json.json().error.code, 'rate_limited');
      // the page itself stays readable
      assert.equal(
        (await kehu.app.inject({ method: 'GET', url: '/f/spring-2026', remoteAddress: ip })).statusCode,
        200,
      );

      // many addresses at once: the form's own ceiling (300 a minute)
      let limited = 0;
      for (let i = 0; i < 320 && !limited; i++) {
        const r = await post('/f/spring-2026', urlencoded({ website: 'bot' }), {
          remoteAddress: `10.9.${i >> 8}.${i & 255}`,
        });
        if (r.statusCode === 429) limited = i;
      }
      assert.ok(limited > 250, `the form limit applies after ~300 submissions (hit at ${limited})`);
    });
  });

  describe('double opt-in', () => {
    let doi: Form;
    let link: URL;
    const mailsTo = (address: string) =>
      smtp.received.filter((m) => (m.to as { value: { address: string }[] }).value[0].address === address);

    it('records email consent as pending and mails a signed link', async () => {
      kehu.advance(2 * 60_000); // past the rate-limit window of the previous tests
      const res = await admin.call(
        'POST',
        '/forms',
        formBody({
          slug: 'newsletter',
          status: 'published',
          language: 'en',
          doubleOptIn: true,
          title: both('订阅周刊', 'Weekly letter'),
          fields: [
            { key: 'email', label: both('邮箱', 'Email'), required: true },
            { key: 'name', label: both('姓名', 'Name'), required: false },
          ],
          consents: [
            {
              id: 'news',
              purpose: 'newsletter',
              channel: 'email',
              label: both('每周给我发邮件', 'Email me every week'),
              policyText: both('可随时退订。', 'Unsubscribe at any time.'),
              required: true,
            },
          ],
        }),
      );
      assert.equal(res.statusCode, 201, res.body);
      doi = res.json();
      const sub = await post('/f/newsletter', urlencoded({ email: 'reader@example.com', 'consent.news': '1' }), {
        remoteAddress: '192.0.2.10',
      });
      assert.equal(sub.statusCode, 200, sub.body);
      assert.match(sub.body, /confirmation email/);
      const customer = (await admin.call('GET', '/customers?search=reader@example.com')).json().items[0];
      const consents = (await admin.call('GET', `/customers/${customer.id}/consents`)).json();
      assert.deepEqual(
        consents.current.map((s: { status: string }) => s.status),
        ['pending'],
      );

      const mail = await until(async () => mailsTo('reader@example.com')[0], 'the confirmation email', 20_000);
      assert.equal(mail.subject, 'Please confirm: Weekly letter');
      assert.match(mail.text ?? '', /Email me every week/);
      const href = /https:\/\/crm\.example\.com\/f\/newsletter\/confirm\?\S+/.exec(mail.text ?? '')?.[0];
      assert.ok(href, mail.text);
      link = new URL(href);
    });

    it('confirms only by a press on the linked page, then grants consent (once)', async () => {
      const path = `${link.pathname}${link.search}`;
      const page = await kehu.app.inject({ method: 'GET', url: path });
      assert.equal(page.statusCode, 200, page.body);
      assert.match(page.body, /Confirm your subscription/);
      assert.match(page.body, /Email me every week/);
      const customer = (await admin.call('GET', '/customers?search=reader@example.com')).json().items[0];
      const before = (await admin.call('GET', `/customers/${customer.id}/consents`)).json();
      assert.equal(before.current[0].status, 'pending', 'opening the link (a mail scanner) confirms nothing');

      const form = urlencoded(Object.fromEntries(link.searchParams));
      const res = await post('/f/newsletter/confirm', form, { remoteAddress: '192.0.2.11' });
      assert.equal(res.statusCode, 200, res.body);
      assert.match(res.body, /Thank you for confirming/);
      const after = (await admin.call('GET', `/customers/${customer.id}/consents`)).json();
      assert.equal(after.current[0].status, 'granted');
      assert.equal(after.history[0].evidence.confirmedBy, 'email');
      const verified = await kehu.db.query<{ field: string; source: string }>(
        'select field, source from customer_verified_identifiers where customer_id = $1',
        [customer.id],
      );
      assert.deepEqual(verified, [{ field: 'email', source: `form:${doi.id}` }], 'the mailed address is now verified');
      const timeline = (await admin.call('GET', `/customers/${customer.id}/timeline`)).json();
      assert.equal(timeline.items[0].kind, 'form.confirmed');
      const again = await post('/f/newsletter/confirm', form, { remoteAddress: '192.0.2.11' });
      assert.match(again.body, /already confirmed/);
      assert.equal((await admin.call('GET', `/customers/${customer.id}/consents`)).json().history.length, 2);
      const list = (await admin.call('GET', `/forms/${doi.id}`)).json();
      assert.deepEqual(list.counts, { submissions: 1, confirmed: 1, blocked: 0 });
    });

    it('refuses a forged or altered link and an expired one', async () => {
      const sub = await post('/f/newsletter', urlencoded({ email: 'late@example.com', 'consent.news': '1' }), {
        remoteAddress: '192.0.2.12',
      });
      assert.equal(sub.statusCode, 200);
      const mail = await until(async () => mailsTo('late@example.com')[0], 'the second confirmation email', 20_000);
      const late = new URL(/https:\/\/\S+/.exec(mail.text ?? '')![0]);
      const params = Object.fromEntries(late.searchParams);

      const forged = { ...params, sig: `${params.sig.slice(0, -2)}AA` };
      const extended = { ...params, e: String(Number(params.e) + 3600) };
      const otherForm = await post('/f/spring-2026/confirm', urlencoded(params), { remoteAddress: '192.0.2.13' });
      assert.equal(otherForm.statusCode, 400);
      for (const bad of [forged, extended, { s: params.s }]) {
        const res = await post('/f/newsletter/confirm', urlencoded(bad), { remoteAddress: '192.0.2.13' });
        assert.equal(res.statusCode, 400, JSON.stringify(bad));
        assert.match(res.body, /not valid/);
      }
      const get = await kehu.app.inject({ method: 'GET', url: `/f/newsletter/confirm?${urlencoded(forged)}` });
      assert.equal(get.statusCode, 400);

      const customer = (await admin.call('GET', '/customers?search=late@example.com')).json().items[0];
      kehu.advance(73 * hour);
      const expired = await post('/f/newsletter/confirm', urlencoded(params), { remoteAddress: '192.0.2.13' });
      assert.equal(expired.statusCode, 400);
      assert.match(expired.body, /expired/);
      admin = await signIn(kehu, adminEmail, adminPassword); // the old session idled out meanwhile
      const consents = (await admin.call('GET', `/customers/${customer.id}/consents`)).json();
      assert.equal(consents.current[0].status, 'pending', 'without confirmation the consent stays unconfirmed');
    });
  });

  describe('customers and forms together', () => {
    it('a merge moves the merged customer’s submissions to the survivor, and its undo moves them back', async () => {
      const survivor = await customerByMobile('13912345678');
      const res = await post(
        '/api/v1/public/forms/newsletter/submissions',
        { fields: { email: 'merge@example.com' }, consents: ['news'] },
        { remoteAddress: '192.0.2.99' },
      );
      assert.equal(res.statusCode, 201, res.body);
      const merged = (await admin.call('GET', '/customers?search=merge@example.com')).json().items[0];
      const count = async (customerId: string) =>
        (
          await kehu.db.query<{ n: number }>('select count(*)::int as n from form_submissions where customer_id = $1', [
            customerId,
          ])
        )[0].n;
      const merge = await admin.call('POST', '/customers/merge', { survivorId: survivor.id, mergedId: merged.id });
      assert.equal(merge.statusCode, 200, merge.body);
      assert.deepEqual([await count(survivor.id), await count(merged.id)], [3, 0]);
      const undo = await admin.call('POST', `/customers/merges/${merge.json().merge.id}/undo`);
      assert.ok(undo.statusCode < 300, undo.body);
      assert.deepEqual([await count(survivor.id), await count(merged.id)], [2, 1]);
      assert.equal((await admin.call('DELETE', `/customers/${merged.id}?confirm=true`)).statusCode, 204);
    });

    it('deleting a customer names their submissions, then removes them; a form with submissions only closes', async () => {
      const customer = await customerByMobile('13912345678');
      const refused = await admin.call('DELETE', `/customers/${customer.id}`);
      assert.equal(refused.statusCode, 409);
      assert.match(refused.json().error.message, /2 form submissions/);
      assert.equal((await admin.call('DELETE', `/forms/${form.id}`)).statusCode, 409);
      assert.equal((await admin.call('DELETE', `/customers/${customer.id}?confirm=true`)).statusCode, 204);
      const f = (await admin.call('GET', `/forms/${form.id}`)).json();
      assert.equal(f.counts.submissions, 0);
      assert.equal((await admin.call('GET', `/forms/${form.id}/submissions`)).json().items.length, 0);
    });
  });
});
