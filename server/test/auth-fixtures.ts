import { Writable } from 'node:stream';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { readConfig, type Config } from '../src/platform/config.ts';
import type { Db } from '../src/platform/db/db.ts';
import type { MailMessage } from '../src/platform/mail/mailer.ts';
import { startKehu, type Kehu } from '../src/start.ts';
import { createTestDb } from './harness.ts';

/** A Kehu on a fresh database with a clock the test moves and a mailer that keeps what it sends. */
export type ClockedKehu = Kehu & {
  db: Db;
  config: Config;
  mails: MailMessage[];
  logs: () => string;
  advance(ms: number): void;
  now(): Date;
  close(): Promise<void>;
};

export async function createClockedKehu(env: Record<string, string> = {}): Promise<ClockedKehu> {
  const db = await createTestDb();
  const config = readConfig({
    KEHU_DATA_DIR: db.dataDir,
    KEHU_DEMO: '0',
    KEHU_LOG_LEVEL: 'info',
    KEHU_MASTER_KEY: 'test-master-key-0123456789abcdef0123456789abcdef',
    ...env,
  });
  let t = Date.parse('2026-11-23T08:00:00Z');
  const now = () => new Date(t);
  const mails: MailMessage[] = [];
  let logText = '';
  const logStream = new Writable({
    write(chunk, _enc, cb) {
      logText += chunk.toString();
      cb();
    },
  });
  const mailer = {
    async send(m: MailMessage) {
      mails.push(m);
      return { messageId: `<${mails.length}@test>` };
    },
  };
  const kehu = await startKehu({ config, db, now, logStream, mailer });
  return {
    ...kehu,
    db,
    config,
    mails,
    logs: () => logText,
    advance: (ms) => {
      t += ms;
    },
    now,
    async close() {
      await kehu.stop();
      await db.close();
    },
  };
}

export type Session = {
  cookie: string;
  csrfToken: string;
  userId: string;
  /** Calls the API as this user: cookie and CSRF token attached; `url` is under /api/v1. */
  call(method: InjectOptions['method'], url: string, payload?: unknown): Promise<LightMyRequestResponse>;
};

export function sessionCookie(res: LightMyRequestResponse): string {
  const set = res.headers['set-cookie'];
  const line = (Array.isArray(set) ? set : [set]).find((c) => c?.startsWith('kehu_session='));
  if (!line) throw new Error(`no session cookie (status ${res.statusCode}: ${res.body})`);
  return line.split(';')[0];
}

export async function signIn(
  kehu: Pick<Kehu, 'app'>,
  email: string,
  password: string,
  remoteAddress = '127.0.0.1',
): Promise<Session> {
  const res = await kehu.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password },
    remoteAddress,
  });
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
  const cookie = sessionCookie(res);
  const me = res.json().user as { id: string; csrfToken: string };
  return {
    cookie,
    csrfToken: me.csrfToken,
    userId: me.id,
    call: (method, url, payload) =>
      kehu.app.inject({
        method,
        url: `/api/v1${url}`,
        headers: { cookie, 'x-csrf-token': me.csrfToken, 'accept-language': 'en' },
        ...(payload === undefined ? {} : { payload: payload as InjectOptions['payload'] }),
      }),
  };
}

export const adminEmail = 'admin@kehu.test';
export const adminPassword = 'correct horse battery staple';
