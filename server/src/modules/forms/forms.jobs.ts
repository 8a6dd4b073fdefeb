import { translator } from '../../platform/i18n/i18n.ts';
import { openAnswers } from './forms.answers.ts';
import type { FormsContext } from './forms.context.ts';
import { pick } from './forms.definition.ts';
import { confirmLinkTtlHours, confirmUrl, signConfirmLink } from './forms.links.ts';
import { formsRepository as repo } from './forms.repository.ts';

export const SEND_CONFIRMATION_JOB = 'forms.send-confirmation';

/**
 * The double opt-in email, sent by a job enqueued in the submission's transaction: it exists
 * only if the submission committed, and a mail server that is down is retried, not lost.
 */
export function defineFormsJobs(ctx: FormsContext): void {
  const { db, crypto, jobs, mailer, now, publicUrl } = ctx;
  jobs.define<{ submissionId: string }>(
    SEND_CONFIRMATION_JOB,
    async ({ submissionId }) => {
      const submission = await repo.findSubmission(db, submissionId);
      // confirmed meanwhile, or deleted with its customer: nothing to ask
      if (!submission || submission.status !== 'pending') return { sent: false };
      const form = await repo.find(db, submission.form_id);
      const email = openAnswers(crypto, submission).email;
      if (!form || typeof email !== 'string') return { sent: false };
      const locale = submission.locale;
      const t = translator(locale);
      const title = pick(form.definition.title, locale);
      const link = confirmUrl(publicUrl, form.slug, signConfirmLink(crypto, submission.id, now()));
      const consents = submission.consents
        .filter((c) => c.pending)
        .map((c) => `• ${c.policyText.split('\n')[0]}`)
        .join('\n');
      await mailer.send({
        to: email,
        subject: t('formMail.subject', { title }),
        text: t('formMail.text', { title, consents, hours: confirmLinkTtlHours, link }),
      });
      return { sent: true };
    },
    { retryLimit: 5, retryDelay: 60 },
  );
}
