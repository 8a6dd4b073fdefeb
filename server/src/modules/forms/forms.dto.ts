import { z } from 'zod';
import { FormConsent, FormField, formLocales, Localized, type FormDefinition } from './forms.definition.ts';
import type { FormRow, SubmissionRow } from './forms.repository.ts';

/** API shapes of the forms module, written for the API (not derived from the tables). */

export const formStatuses = ['draft', 'published', 'closed'] as const;
export const submissionStatuses = ['received', 'pending', 'confirmed'] as const;

const Slug = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => /^[a-z0-9][a-z0-9-]{2,49}$/.test(v), 'invalid_form_slug');
const Tag = z.string().trim().min(1).max(30);

const formBodyFields = {
  name: z.string().trim().min(1).max(100).describe('Internal name, shown to staff only'),
  slug: Slug.optional().describe('The public link is /f/<slug>; made up when absent'),
  status: z.enum(formStatuses).optional().describe('published: the public page accepts submissions'),
  language: z.enum(formLocales).optional(),
  doubleOptIn: z.boolean().optional().describe('Email consents stay pending until the emailed link is opened'),
  touchpointId: z.uuid().nullable().optional(),
  tags: z.array(Tag).max(20).optional().describe('Added to the customer on every submission'),
  title: Localized(200).optional(),
  description: Localized(2000).optional(),
  fields: z.array(FormField).min(1).max(30),
  consents: z.array(FormConsent).max(10).optional(),
  submitLabel: Localized(50).optional(),
  successMessage: Localized(2000).optional(),
};
export const CreateFormBody = z.strictObject(formBodyFields);
export type CreateFormBody = z.infer<typeof CreateFormBody>;
export const UpdateFormBody = z.strictObject({ ...formBodyFields, fields: formBodyFields.fields.optional() }).partial();
export type UpdateFormBody = z.infer<typeof UpdateFormBody>;

export const FormDto = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  /** Where the public page is, relative to the server (`/f/<slug>`). */
  path: z.string(),
  status: z.enum(formStatuses),
  language: z.enum(formLocales),
  doubleOptIn: z.boolean(),
  touchpointId: z.string().nullable(),
  tags: z.array(z.string()),
  title: Localized(200),
  description: Localized(2000),
  fields: z.array(FormField),
  consents: z.array(FormConsent),
  submitLabel: Localized(50),
  successMessage: Localized(2000),
  counts: z.object({
    submissions: z.number().int(),
    confirmed: z.number().int(),
    blocked: z.number().int().describe('Caught by the honeypot: answered as accepted, not stored'),
  }),
  lastSubmissionAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  publishedAt: z.iso.datetime().nullable(),
});
export type FormDto = z.infer<typeof FormDto>;

export function toForm(row: FormRow): FormDto {
  const d: FormDefinition = row.definition;
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    path: `/f/${row.slug}`,
    status: row.status,
    language: row.language,
    doubleOptIn: row.double_opt_in,
    touchpointId: row.touchpoint_id,
    tags: row.tags,
    title: d.title,
    description: d.description,
    fields: d.fields,
    consents: d.consents,
    submitLabel: d.submitLabel,
    successMessage: d.successMessage,
    counts: { submissions: row.submission_count, confirmed: row.confirmed_count, blocked: row.blocked_count },
    lastSubmissionAt: row.last_submission_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    publishedAt: row.published_at?.toISOString() ?? null,
  };
}

export const SubmissionDto = z.object({
  id: z.string(),
  createdAt: z.iso.datetime(),
  status: z.enum(submissionStatuses),
  confirmedAt: z.iso.datetime().nullable(),
  outcome: z.string().describe('created | updated | unchanged: what it did to the customer'),
  customer: z.object({ id: z.string(), name: z.string().nullable() }),
  answers: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
  consents: z.array(z.object({ purpose: z.string(), channel: z.string(), pending: z.boolean() })),
  locale: z.enum(formLocales),
});
export type SubmissionDto = z.infer<typeof SubmissionDto>;

export const SubmissionPage = z.object({
  items: z.array(SubmissionDto),
  nextCursor: z.string().nullable(),
  isMasked: z.boolean().describe('Mobile, email and address masked (reveal=true needs customers.reveal)'),
});
export type SubmissionPage = z.infer<typeof SubmissionPage>;

export function toSubmission(
  row: SubmissionRow,
  answers: Record<string, string | string[]>,
  customerName: string | null,
): SubmissionDto {
  return {
    id: row.id,
    createdAt: row.created_at.toISOString(),
    status: row.status,
    confirmedAt: row.confirmed_at?.toISOString() ?? null,
    outcome: row.outcome,
    customer: { id: row.customer_id, name: customerName },
    answers,
    consents: row.consents.map((c) => ({ purpose: c.purpose, channel: c.channel, pending: c.pending })),
    locale: row.locale,
  };
}

/** What the builder may offer: custom attributes with their types and options. */
export const FieldOptions = z.object({
  profileFields: z.array(z.string()),
  attributes: z.array(
    z.object({
      key: z.string(),
      label: z.string(),
      type: z.string(),
      options: z.array(z.object({ value: z.string(), label: z.string() })),
      isRequired: z.boolean(),
    }),
  ),
  purposes: z.array(z.string()),
  channels: z.array(z.string()),
});

/** The public JSON submission (for sites that draw their own form). */
export const PublicSubmissionBody = z.strictObject({
  fields: z
    .record(
      z.string().max(60),
      z.union([z.string().max(5000), z.number(), z.array(z.string().max(500)).max(50), z.null()]),
    )
    .refine((r) => Object.keys(r).length <= 60, 'too_many_fields'),
  consents: z.array(z.string().max(20)).max(20).optional(),
  /** The honeypot: people leave it empty, naive bots fill it. */
  website: z.string().max(500).optional(),
  locale: z.enum(formLocales).optional().describe('The language of the answer; the form’s own by default'),
});
export const PublicSubmissionResult = z.object({
  status: z.enum(['received', 'pending']).describe('pending: a confirmation email was sent'),
  message: z.string(),
});
