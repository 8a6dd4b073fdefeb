import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuditLog } from '../audit/audit.service.ts';
import type { FieldEncryption } from '../crypto/encryption.service.ts';
import { DomainError } from '../http/errors.ts';
import { translator } from '../i18n/i18n.ts';
import { classifyMailError, createSmtpMailer } from '../mail/smtp.mailer.ts';
import { PublicSettings, SettingsPatch, SettingsView, type SettingsService } from './settings.service.ts';

export const SmtpTestBody = z.strictObject({ to: z.email().max(254) });
export const SmtpTestResult = z.object({
  ok: z.boolean(),
  messageId: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export const RotationStarted = z.object({ keyId: z.string(), jobId: z.string() });
export const EncryptionStatus = z.object({
  activeKeyId: z.string(),
  keys: z.array(z.object({ id: z.string(), createdAt: z.iso.datetime(), active: z.boolean() })),
  masterKeySource: z.enum(['env', 'file']),
});

export function settingsRoutes(deps: {
  settings: SettingsService;
  encryption: FieldEncryption;
  audit: AuditLog;
}): FastifyPluginAsync {
  const { settings, encryption, audit } = deps;
  return async (app) => {
    const api = app.withTypeProvider<ZodTypeProvider>();

    api.get(
      '/settings',
      {
        config: { access: 'settings.view' },
        schema: {
          tags: ['settings'],
          summary: 'Business settings (secrets are never returned)',
          response: { 200: SettingsView },
        },
      },
      async () => settings.get(),
    );

    api.get(
      '/settings/public',
      {
        config: { access: 'authenticated' },
        schema: {
          tags: ['settings'],
          summary: 'What every signed-in screen shows: business name, time zone, default language',
          response: { 200: PublicSettings },
        },
      },
      async () => settings.getPublic(),
    );

    api.patch(
      '/settings',
      {
        config: { access: 'settings.manage' },
        schema: {
          tags: ['settings'],
          summary: 'Change some settings; smtp fields merge with what is stored, smtp.password is write-only',
          body: SettingsPatch,
          response: { 200: SettingsView },
        },
      },
      async (request) => settings.update(request.body, (entry, tx) => audit.recordRequest(request, entry, tx)),
    );

    api.post(
      '/settings/smtp/test',
      {
        config: { access: 'settings.manage', rateLimit: { max: 10, timeWindow: '1 minute' } },
        schema: {
          tags: ['settings'],
          summary: 'Send a test message with the stored mail settings; reports the SMTP error in the reader’s language',
          body: SmtpTestBody,
          response: { 200: SmtpTestResult },
        },
      },
      async (request) => {
        const smtp = await settings.getSmtpConfig();
        if (!smtp) throw new DomainError('conflict', 'MAIL_NOT_CONFIGURED');
        const t = translator(request.locale);
        const { businessName } = await settings.getPublic();
        try {
          const { messageId } = await createSmtpMailer(smtp).send({
            to: request.body.to,
            subject: t('settings.testMail.subject'),
            text: t('settings.testMail.text', { businessName }),
          });
          await audit.recordRequest(request, { action: 'settings.smtp_tested', details: { host: smtp.host } });
          return { ok: true, messageId };
        } catch (err) {
          const e = classifyMailError(err);
          await audit.recordRequest(request, {
            action: 'settings.smtp_tested',
            outcome: 'failure',
            details: { host: smtp.host, code: e.code },
          });
          return {
            ok: false,
            error: { code: e.code.toLowerCase(), message: t(`errors.${e.code}`, { detail: e.detail }) },
          };
        }
      },
    );

    api.get(
      '/settings/encryption',
      {
        config: { access: 'settings.view' },
        schema: {
          tags: ['settings'],
          summary: 'Field-encryption key ring and where the master key comes from',
          response: { 200: EncryptionStatus },
        },
      },
      async () => ({
        activeKeyId: encryption.activeKeyId(),
        keys: await encryption.listKeys(),
        masterKeySource: encryption.masterKeySource,
      }),
    );

    api.post(
      '/settings/encryption/rotate',
      {
        config: { access: 'settings.manage' },
        schema: {
          tags: ['settings'],
          summary: 'Create a new active data key and re-encrypt stored values in the background',
          response: { 202: RotationStarted },
        },
      },
      async (request, reply) => {
        const started = await encryption.rotate();
        await audit.recordRequest(request, {
          action: 'encryption.rotated',
          entityType: 'encryption_key',
          entityId: started.keyId,
          details: { jobId: started.jobId },
        });
        return reply.status(202).send(started);
      },
    );
  };
}
