import { randomUUID } from 'node:crypto';
import { DomainError, isDomainError } from '../../platform/http/errors.ts';
import { translator } from '../../platform/i18n/i18n.ts';
import { regionTree, type ConsentChannel, type ConsentPurpose } from '../customers/index.ts';
import { openAnswers, sealAnswers } from './forms.answers.ts';
import type { FormsContext } from './forms.context.ts';
import { confirmsByEmail, pick, type FormConsent, type FormLocale } from './forms.definition.ts';
import { formsErrors, problemsError } from './forms.errors.ts';
import { formEventTypes, type FormConfirmedEvent, type FormSubmittedEvent } from './forms.events.ts';
import { SEND_CONFIRMATION_JOB } from './forms.jobs.ts';
import { checkConfirmLink } from './forms.links.ts';
import {
  formsRepository as repo,
  type FormRow,
  type SubmittedConsent,
  type SubmissionRow,
} from './forms.repository.ts';
import { validateSubmission, type RawSubmission } from './forms.validate.ts';

/** Who sent it, as far as the page can tell; the address is only ever kept as a keyed hash. */
export type SubmitMeta = { ip: string; userAgent: string | undefined };

export type SubmitResult = { status: 'received' | 'pending'; message: string };

/** The words beside the box and the policy they refer to: what the customer agreed to. */
function consentText(c: FormConsent, locale: FormLocale): string {
  return [pick(c.label, locale), pick(c.policyText, locale)].filter(Boolean).join('\n\n');
}

/** Profile problems the customers module found, placed on the form's own fields (region is one field). */
function onFormFields(err: DomainError): DomainError {
  const place = (field: string | undefined) =>
    field === 'province' || field === 'city' || field === 'district' ? 'region' : field;
  return new DomainError(
    err.kind,
    err.code,
    err.params,
    place(err.field),
    err.fields?.map((f) => ({ ...f, field: place(f.field) ?? f.field })),
  );
}

/**
 * Field errors of a refused submission in the form's language: one message per field, and
 * the first for the top of the page.
 */
export function messagesOf(err: DomainError, locale: FormLocale): { summary: string; byField: Record<string, string> } {
  const t = translator(locale);
  const byField: Record<string, string> = {};
  const all = [{ field: err.field, code: err.code, params: err.params }, ...(err.fields ?? [])];
  for (const p of all) {
    if (p.field && !byField[p.field]) byField[p.field] = t(`errors.${p.code}`, { ...p.params });
  }
  return { summary: t(`errors.${err.code}`, { ...err.params }), byField };
}

export type ConfirmCheck =
  | { status: 'invalid' | 'expired' }
  | { status: 'ok' | 'already'; submission: SubmissionRow; link: { s: string; e: string; sig: string } };

export type FormSubmissions = ReturnType<typeof createFormSubmissions>;

/** The public side of a form: a person submits it, and (double opt-in) confirms by email. */
export function createFormSubmissions(ctx: FormsContext) {
  const { db, crypto, customers, events, jobs, now } = ctx;

  const ipHash = (ip: string) => crypto.blindIndex(ip, { purpose: 'forms.ip', bytes: 16 });
  const agent = (ua: string | undefined) => ua?.slice(0, 300) ?? null;

  return {
    /** A form people may fill in: published. A draft is not found; a closed one says so. */
    async publishedForm(slug: string): Promise<FormRow> {
      const form = /^[a-z0-9][a-z0-9-]{2,49}$/.test(slug) ? await repo.findBySlug(db, slug) : null;
      if (!form || form.status === 'draft') throw formsErrors.notFound();
      if (form.status === 'closed') throw formsErrors.closed();
      return form;
    },

    /** Any form, whatever its status: a link mailed before a form was closed still confirms. */
    async formForConfirmation(slug: string): Promise<FormRow> {
      const form = /^[a-z0-9][a-z0-9-]{2,49}$/.test(slug) ? await repo.findBySlug(db, slug) : null;
      if (!form) throw formsErrors.notFound();
      return form;
    },

    /**
     * Validates, then in one transaction: creates or updates the customer (filling only empty
     * fields), records each ticked consent with its words, stores the submission with its
     * answers encrypted, writes the timeline row and, with double opt-in, enqueues the email.
     * A filled honeypot is answered like a success and stores nothing.
     */
    async submit(
      form: FormRow,
      raw: RawSubmission & { honeypot?: string },
      locale: FormLocale,
      meta: SubmitMeta,
    ): Promise<SubmitResult> {
      const message = pick(form.definition.successMessage, locale);
      if (raw.honeypot?.trim()) {
        await repo.countBlocked(db, form.id);
        return { status: 'received', message };
      }
      // both read over `db`: before the transaction (PGlite has one session)
      const [definitions, collector] = await Promise.all([customers.attributeDefinitions(db), customers.collector()]);
      const checked = validateSubmission(form.definition, definitions, regionTree(), raw, locale);
      if ('problems' in checked) throw problemsError(checked.problems);
      const { profile, answers, consents } = checked.ok;

      const at = now();
      const submissionId = randomUUID();
      const ticked: SubmittedConsent[] = consents.map((c) => ({
        id: c.id,
        purpose: c.purpose,
        channel: c.channel,
        policyText: consentText(c, locale),
        policyVersion: c.policyVersion || null,
        pending: form.double_opt_in && confirmsByEmail(c),
      }));
      const status = ticked.some((c) => c.pending) ? 'pending' : 'received';
      const evidence = { submissionId, ipHash: ipHash(meta.ip), userAgent: agent(meta.userAgent), form: form.slug };

      await db.transaction(async (tx) => {
        const resolved = await collector
          .resolve(tx, {
            profile: { ...profile, ...(form.tags.length ? { tags: form.tags } : {}) },
            onMatch: 'fillEmpty',
            source: 'form',
            touchpointId: form.touchpoint_id,
            at,
            summary: { form: form.name, formId: form.id },
          })
          .catch((err: unknown) => {
            throw isDomainError(err) && err.kind === 'invalid' ? onFormFields(err) : err;
          });
        const customerId = resolved.customerId;
        for (const c of ticked) {
          await customers.recordConsent(tx, {
            customerId,
            purpose: c.purpose as ConsentPurpose,
            channel: c.channel as ConsentChannel,
            granted: true,
            pending: c.pending,
            source: `form:${form.id}`,
            policyText: c.policyText,
            policyVersion: c.policyVersion,
            at,
            evidence,
          });
        }
        await repo.insertSubmission(tx, {
          id: submissionId,
          form_id: form.id,
          customer_id: customerId,
          status,
          outcome: resolved.outcome,
          answers_enc: sealAnswers(crypto, submissionId, answers),
          consents: ticked,
          locale,
          ip_hash: evidence.ipHash,
          user_agent: evidence.userAgent,
          created_at: at,
          confirmed_at: null,
        });
        const summaryConsents = ticked.map((c) => ({ purpose: c.purpose, channel: c.channel, pending: c.pending }));
        await customers.recordActivity(tx, {
          customerId,
          at,
          kind: 'form.submitted',
          module: 'forms',
          ref: `form_submission:${submissionId}`,
          touchpointId: form.touchpoint_id,
          summary: { form: form.name, formId: form.id, consents: summaryConsents, outcome: resolved.outcome },
        });
        await customers.touchLastSeen(tx, customerId, at);
        await repo.countSubmitted(tx, form.id, at, false);
        await events.emit<FormSubmittedEvent>(tx, {
          type: formEventTypes.submitted,
          customerId,
          payload: { formId: form.id, submissionId, customerId, consents: summaryConsents },
        });
        if (status === 'pending') await jobs.send(SEND_CONFIRMATION_JOB, { submissionId }, { tx });
      });
      return { status, message };
    },

    /** What a confirmation link points at, without changing anything (the page with the button). */
    async inspectLink(form: FormRow, params: { s?: unknown; e?: unknown; sig?: unknown }): Promise<ConfirmCheck> {
      const checked = checkConfirmLink(crypto, params, now());
      if (checked.status !== 'ok') return { status: checked.status };
      const submission = await repo.findSubmission(db, checked.link.submissionId);
      if (!submission || submission.form_id !== form.id) return { status: 'invalid' };
      const link = { s: checked.link.submissionId, e: String(checked.link.expires), sig: checked.link.sig };
      return { status: submission.status === 'pending' ? 'ok' : 'already', submission, link };
    },

    /** Grants the pending consents of a genuine, unexpired link; a second press changes nothing. */
    async confirm(
      form: FormRow,
      params: { s?: unknown; e?: unknown; sig?: unknown },
      meta: SubmitMeta,
    ): Promise<'confirmed' | 'already'> {
      const checked = checkConfirmLink(crypto, params, now());
      if (checked.status === 'expired') throw formsErrors.confirmLinkExpired();
      if (checked.status !== 'ok') throw formsErrors.confirmLinkInvalid();
      const at = now();
      return db.transaction(async (tx) => {
        const submission = await repo.findSubmission(tx, checked.link.submissionId, true);
        if (!submission || submission.form_id !== form.id) throw formsErrors.confirmLinkInvalid();
        if (submission.status !== 'pending') return 'already';
        const customerId = submission.customer_id;
        const evidence = {
          submissionId: submission.id,
          confirmedBy: 'email',
          ipHash: ipHash(meta.ip),
          userAgent: agent(meta.userAgent),
          form: form.slug,
        };
        for (const c of submission.consents.filter((x) => x.pending)) {
          await customers.recordConsent(tx, {
            customerId,
            purpose: c.purpose as ConsentPurpose,
            channel: c.channel as ConsentChannel,
            granted: true,
            source: `form:${form.id}`,
            policyText: c.policyText,
            policyVersion: c.policyVersion,
            at,
            evidence,
          });
        }
        // the person opened a link mailed to this address: it is theirs (auto-merge rules may rely on it)
        const email = openAnswers(crypto, submission).email;
        if (typeof email === 'string') {
          await customers.markIdentifierVerified(tx, {
            customerId,
            field: 'email',
            value: email,
            source: `form:${form.id}`,
            at,
          });
        }
        await repo.confirmSubmission(tx, submission.id, at);
        await repo.countConfirmed(tx, form.id);
        await customers.recordActivity(tx, {
          customerId,
          at,
          kind: 'form.confirmed',
          module: 'forms',
          ref: `form_submission:${submission.id}`,
          touchpointId: form.touchpoint_id,
          summary: {
            form: form.name,
            formId: form.id,
            consents: submission.consents
              .filter((x) => x.pending)
              .map((x) => ({ purpose: x.purpose, channel: x.channel })),
          },
        });
        await events.emit<FormConfirmedEvent>(tx, {
          type: formEventTypes.confirmed,
          customerId,
          payload: { formId: form.id, submissionId: submission.id, customerId },
        });
        return 'confirmed';
      });
    },
  };
}
