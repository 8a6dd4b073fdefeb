import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { startTestSmtp } from '../../../test/smtp.ts';
import { createSmtpMailer, MailError } from './smtp.mailer.ts';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('SMTP mailer against a real SMTP server', () => {
  let smtp: Awaited<ReturnType<typeof startTestSmtp>>;
  before(async () => {
    smtp = await startTestSmtp({ user: 'kehu', password: 's3cret-口令' });
  });
  after(async () => smtp.close());

  const config = () => ({
    host: '127.0.0.1',
    port: smtp.port,
    secure: false,
    user: 'kehu',
    password: 's3cret-口令',
    fromAddress: 'noreply@kehu.example',
    fromName: '客户关系管理',
  });

  it('delivers a Chinese subject and body intact', async () => {
    const res = await createSmtpMailer(config()).send({
      to: '王芳 <wangfang@example.com>',
      subject: '生日快乐 🎂 会员专属优惠',
      text: '王芳，您好！送您¥20.00优惠券，有效期至2026年12月31日。',
      html: '<p>王芳，您好！</p>',
    });
    assert.match(res.messageId, /@/);
    const mail = smtp.received.at(-1)!;
    assert.equal(mail.subject, '生日快乐 🎂 会员专属优惠');
    assert.equal(mail.text?.trim(), '王芳，您好！送您¥20.00优惠券，有效期至2026年12月31日。');
    assert.equal(mail.from?.value[0].name, '客户关系管理');
    assert.equal(mail.from?.value[0].address, 'noreply@kehu.example');
    assert.equal((mail.to as { value: { address: string }[] }).value[0].address, 'wangfang@example.com');
  });

  it('reports a wrong password as an authentication failure', async () => {
    await assert.rejects(
      createSmtpMailer({ ...config(), password: 'wrong' }).send({ to: 'a@example.com', subject: 's', text: 't' }),
      (e: unknown) => e instanceof MailError && e.code === 'MAIL_AUTH_FAILED' && !e.detail.includes('wrong'),
    );
  });

  it('reports an unreachable server as such', async () => {
    const port = await freePort();
    await assert.rejects(
      createSmtpMailer({ ...config(), port, timeoutMs: 2000 }).send({ to: 'a@example.com', subject: 's', text: 't' }),
      (e: unknown) => e instanceof MailError && e.code === 'MAIL_UNREACHABLE',
    );
  });
});
