import type { FastifyPluginAsync } from 'fastify';
import type { AuditLog } from '../../platform/audit/audit.service.ts';
import type { Platform } from '../../platform/platform.ts';
import type { CustomersFace } from '../customers/index.ts';
import { registerAnswerColumn } from './forms.answers.ts';
import type { FormsContext } from './forms.context.ts';
import { defineFormsJobs } from './forms.jobs.ts';
import { createFormLimits } from './forms.limits.ts';
import { formsPublicRoutes } from './forms.public.routes.ts';
import { formsRepository } from './forms.repository.ts';
import { formsRoutes } from './forms.routes.ts';
import { createFormSubmissions } from './forms.submit.ts';

export type { FormConfirmedEvent, FormSubmittedEvent } from './forms.events.ts';
export { formEventTypes } from './forms.events.ts';

export type FormsModule = {
  /** The builder's API and the public JSON submission, under /api/v1. */
  routes: FastifyPluginAsync;
  /** The public pages (/f/<slug>) and the embed script, outside /api. */
  publicRoutes: FastifyPluginAsync;
};

/** Sign-up and subscription forms: builder, public page, embed snippet, double opt-in. */
export function createFormsModule(deps: {
  platform: Platform;
  audit: AuditLog;
  customers: CustomersFace;
  /** Where confirmation links point (`KEHU_PUBLIC_URL`). */
  publicUrl: string;
}): FormsModule {
  const { platform } = deps;
  const ctx: FormsContext = {
    db: platform.db,
    audit: deps.audit,
    crypto: platform.crypto,
    jobs: platform.jobs,
    events: platform.events,
    mailer: platform.mailer,
    now: platform.now,
    customers: deps.customers,
    publicUrl: deps.publicUrl,
  };
  registerAnswerColumn(platform.crypto);
  // a deleted customer's submissions go with them (their answers are personal data); a merge moves them
  deps.customers.registerDependent({
    name: 'formSubmissions',
    countFor: (tx, customerId) => formsRepository.countForCustomer(tx, customerId),
    deleteFor: (tx, customerId) => formsRepository.deleteForCustomer(tx, customerId),
    moveFor: (tx, fromId, toId) => formsRepository.moveToCustomer(tx, fromId, toId),
    restoreFor: (tx, toId, fromId, ids) => formsRepository.restoreToCustomer(tx, toId, fromId, ids),
  });
  defineFormsJobs(ctx);
  const submissions = createFormSubmissions(ctx);
  const limits = createFormLimits();
  return {
    routes: formsRoutes(ctx, submissions, limits),
    publicRoutes: formsPublicRoutes(ctx, submissions, limits),
  };
}
