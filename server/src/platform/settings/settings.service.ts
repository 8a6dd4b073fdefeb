import { z } from 'zod';
import type { Db, Queryable } from '../db/db.ts';
import type { FieldEncryption } from '../crypto/encryption.service.ts';
import { DomainError } from '../http/errors.ts';
import type { Locale } from '../i18n/i18n.ts';
import type { SmtpConfig } from '../mail/smtp.mailer.ts';
import './settings.messages.ts';

const timeZones = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);
export const isTimeZone = (tz: string) => timeZones.has(tz);

// Each setting has one schema, used by the API and when reading a stored value back.
export const BusinessName = z.string().trim().min(1).max(100);
export const TimeZone = z.string().max(64).refine(isTimeZone, 'invalid_time_zone');
export const DefaultLocale = z.enum(['zh-CN', 'en']);
const Host = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .refine((h) => /^[A-Za-z0-9.-]+$|^\[[0-9A-Fa-f:.]+\]$/.test(h), 'invalid_host');

/** SMTP as the API shows it: the password is write-only. */
export const SmtpView = z.object({
  host: z.string(),
  port: z.number().int(),
  secure: z.boolean(),
  user: z.string().nullable(),
  hasPassword: z.boolean(),
  fromAddress: z.string(),
  fromName: z.string().nullable(),
});
export type SmtpView = z.infer<typeof SmtpView>;

export const SettingsView = z.object({
  businessName: z.string(),
  timeZone: z.string(),
  defaultLocale: DefaultLocale,
  smtp: SmtpView.nullable(),
});
export type SettingsView = z.infer<typeof SettingsView>;

export const PublicSettings = SettingsView.pick({ businessName: true, timeZone: true, defaultLocale: true });
export type PublicSettings = z.infer<typeof PublicSettings>;

export const SmtpPatch = z.strictObject({
  host: Host.optional(),
  port: z.number().int().min(1).max(65535).optional(),
  secure: z.boolean().optional(),
  user: z.string().trim().max(200).nullable().optional(),
  /** A new password; null removes it; absent keeps it. */
  password: z.string().max(500).nullable().optional(),
  fromAddress: z.email().max(254).optional(),
  fromName: z.string().trim().max(100).nullable().optional(),
});
export const SettingsPatch = z.strictObject({
  businessName: BusinessName.optional(),
  timeZone: TimeZone.optional(),
  defaultLocale: DefaultLocale.optional(),
  /** Fields to change (merged with what is stored); null removes the mail server. */
  smtp: SmtpPatch.nullable().optional(),
});
export type SettingsPatch = z.infer<typeof SettingsPatch>;

type StoredSmtp = Omit<SmtpView, 'hasPassword'>;
type Stored = { businessName: string; timeZone: string; defaultLocale: Locale; smtp: StoredSmtp | null };

export const defaultSettings: Stored = {
  businessName: 'Kehu',
  timeZone: 'Asia/Shanghai',
  defaultLocale: 'zh-CN',
  smtp: null,
};

/** Records a change in the audit log (with the caller's request) in the change's transaction. */
export type AuditChange = (entry: { action: string; details: Record<string, unknown> }, tx: Queryable) => Promise<void>;

export type SettingsService = {
  get(): Promise<SettingsView>;
  /** What every signed-in screen may show: name, time zone, language. */
  getPublic(): Promise<PublicSettings>;
  /** Pass the caller's transaction when inside one (on PGlite `db` waits for it to end). */
  timeZone(q?: Queryable): Promise<string>;
  update(patch: SettingsPatch, audit: AuditChange): Promise<SettingsView>;
  /** The mail server with its password decrypted, or null when none is set. */
  getSmtpConfig(): Promise<SmtpConfig | null>;
};

type Row = { key: string; value: unknown; secret_enc: string | null };
const SECRET = { table: 'settings', column: 'secret_enc' };

export function createSettings(deps: {
  db: Db;
  encryption: FieldEncryption;
  /** Called after the business time zone changed (schedules follow it). */
  onTimeZoneChange?: (tz: string) => Promise<void>;
}): SettingsService {
  const { db, encryption } = deps;
  encryption.registerEncryptedColumn({ table: 'settings', idColumn: 'key', column: 'secret_enc', aad: 'row' });

  async function load(q: Queryable = db): Promise<{ stored: Stored; smtpSecret: string | null }> {
    const rows = await q.query<Row>('SELECT key, value, secret_enc FROM settings');
    const stored: Stored = { ...defaultSettings };
    let smtpSecret: string | null = null;
    for (const r of rows) {
      // a stored value that no longer validates falls back to the default instead of breaking every page
      if (r.key === 'businessName')
        stored.businessName = BusinessName.catch(defaultSettings.businessName).parse(r.value);
      if (r.key === 'timeZone') stored.timeZone = TimeZone.catch(defaultSettings.timeZone).parse(r.value);
      if (r.key === 'defaultLocale') stored.defaultLocale = DefaultLocale.catch('zh-CN').parse(r.value);
      if (r.key === 'smtp') {
        stored.smtp = r.value as StoredSmtp;
        smtpSecret = r.secret_enc;
      }
    }
    return { stored, smtpSecret };
  }

  const view = (s: Stored, smtpSecret: string | null): SettingsView => ({
    businessName: s.businessName,
    timeZone: s.timeZone,
    defaultLocale: s.defaultLocale,
    smtp: s.smtp ? { ...s.smtp, hasPassword: smtpSecret !== null } : null,
  });

  async function put(tx: Queryable, key: string, value: unknown, secret?: string | null) {
    await tx.query(
      `INSERT INTO settings (key, value, secret_enc, updated_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, secret_enc = excluded.secret_enc, updated_at = now()`,
      [key, JSON.stringify(value), secret ?? null],
    );
  }

  return {
    async get() {
      const { stored, smtpSecret } = await load();
      return view(stored, smtpSecret);
    },
    async getPublic() {
      const { stored } = await load();
      return { businessName: stored.businessName, timeZone: stored.timeZone, defaultLocale: stored.defaultLocale };
    },
    async timeZone(q) {
      return (await load(q)).stored.timeZone;
    },
    async update(patch, audit) {
      let tzChanged = false;
      const result = await db.transaction(async (tx) => {
        if (tx.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(7312)');
        const { stored, smtpSecret } = await load(tx);
        const changed: string[] = [];
        for (const key of ['businessName', 'timeZone', 'defaultLocale'] as const) {
          const value = patch[key];
          if (value !== undefined && value !== stored[key]) {
            await put(tx, key, value);
            (stored as Record<string, unknown>)[key] = value;
            changed.push(key);
          }
        }
        tzChanged = changed.includes('timeZone');
        let secret = smtpSecret;
        if (patch.smtp === null && stored.smtp) {
          await tx.query(`DELETE FROM settings WHERE key = 'smtp'`);
          stored.smtp = null;
          secret = null;
          changed.push('smtp');
        } else if (patch.smtp) {
          const { password, ...fields } = patch.smtp;
          const before: Partial<StoredSmtp> = stored.smtp ?? {};
          const next = {
            host: fields.host ?? before.host,
            port: fields.port ?? before.port ?? 465,
            secure: fields.secure ?? before.secure ?? true,
            user: fields.user !== undefined ? fields.user || null : (before.user ?? null),
            fromAddress: fields.fromAddress ?? before.fromAddress,
            fromName: fields.fromName !== undefined ? fields.fromName || null : (before.fromName ?? null),
          };
          for (const f of ['host', 'fromAddress'] as const) {
            if (!next[f]) throw new DomainError('invalid', 'SETTINGS_SMTP_INCOMPLETE', { field: f }, `smtp.${f}`);
          }
          for (const f of Object.keys(next) as (keyof typeof next)[]) {
            if (next[f] !== (before as Record<string, unknown>)[f]) changed.push(`smtp.${f}`);
          }
          if (password !== undefined) {
            secret = password ? encryption.encrypt(password, { ...SECRET, rowId: 'smtp' }) : null;
            changed.push('smtp.password'); // the name only, never the value
          }
          stored.smtp = next as StoredSmtp;
          await put(tx, 'smtp', stored.smtp, secret);
        }
        if (changed.length) await audit({ action: 'settings.updated', details: { fields: changed } }, tx);
        return view(stored, secret);
      });
      if (tzChanged) await deps.onTimeZoneChange?.(result.timeZone);
      return result;
    },
    async getSmtpConfig() {
      const { stored, smtpSecret } = await load();
      if (!stored.smtp) return null;
      return {
        ...stored.smtp,
        password: smtpSecret ? encryption.decrypt(smtpSecret, { ...SECRET, rowId: 'smtp' }) : null,
      };
    },
  };
}
