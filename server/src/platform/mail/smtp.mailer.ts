import nodemailer from 'nodemailer';
import type { Mailer } from './mailer.ts';

/** What the SMTP transport needs, password already decrypted (see settings.service.ts). */
export type SmtpConfig = {
  host: string;
  port: number;
  /** true: TLS from the first byte (port 465); false: plain, upgraded with STARTTLS when offered. */
  secure: boolean;
  user?: string | null;
  password?: string | null;
  fromAddress: string;
  fromName?: string | null;
  /** Milliseconds to wait for a connection and the greeting (default 10 s). */
  timeoutMs?: number;
};

export type MailErrorCode = 'MAIL_AUTH_FAILED' | 'MAIL_UNREACHABLE' | 'MAIL_REJECTED' | 'MAIL_FAILED';

/** A send that failed, classified so the reader gets a clear, translatable reason. */
export class MailError extends Error {
  readonly code: MailErrorCode;
  /** The SMTP server's reply or the network error, for the administrator; never the password. */
  readonly detail: string;
  constructor(code: MailErrorCode, detail: string) {
    super(`${code}: ${detail}`);
    this.name = 'MailError';
    this.code = code;
    this.detail = detail;
  }
}

const UNREACHABLE = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED', 'ENOTFOUND', 'ETLS']);

export function classifyMailError(err: unknown): MailError {
  if (err instanceof MailError) return err;
  const e = (err ?? {}) as { code?: string; response?: string; message?: string; responseCode?: number };
  const detail = (e.response ?? e.message ?? String(err)).slice(0, 300);
  if (e.code === 'EAUTH' || e.responseCode === 535) return new MailError('MAIL_AUTH_FAILED', detail);
  if (e.code && UNREACHABLE.has(e.code)) return new MailError('MAIL_UNREACHABLE', detail);
  if (e.code === 'EENVELOPE' || e.code === 'EMESSAGE') return new MailError('MAIL_REJECTED', detail);
  return new MailError('MAIL_FAILED', detail);
}

/** The real SMTP transport (nodemailer): one connection per message, so a settings change applies at once. */
export function createSmtpMailer(config: SmtpConfig): Mailer {
  const timeout = config.timeoutMs ?? 10_000;
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    auth: config.user ? { user: config.user, pass: config.password ?? '' } : undefined,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout * 3,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return {
    async send(message) {
      try {
        const info = await transport.sendMail({
          from: config.fromName ? { name: config.fromName, address: config.fromAddress } : config.fromAddress,
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
          headers: message.headers,
        });
        return { messageId: info.messageId };
      } catch (err) {
        throw classifyMailError(err);
      } finally {
        transport.close();
      }
    },
  };
}
