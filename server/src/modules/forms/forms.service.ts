import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { assertCan, can } from '../../platform/auth/actor.ts';
import { maskAddress, maskEmail, maskMobile } from '../../platform/crypto/masking.ts';
import type { Queryable } from '../../platform/db/db.ts';
import { DomainError } from '../../platform/http/errors.ts';
import { consentChannels, consentPurposes, type AttributeDefinitionRef } from '../customers/index.ts';
import { profileFieldKeys, type FormDefinition, type Localized } from './forms.definition.ts';
import {
  toForm,
  toSubmission,
  type CreateFormBody,
  type FormDto,
  type SubmissionPage,
  type UpdateFormBody,
} from './forms.dto.ts';
import type { FormsContext } from './forms.context.ts';
import { formsErrors, problemsError, type AnswerProblem } from './forms.errors.ts';
import { formsRepository as repo, isSlugTaken, type FormColumns, type FormRow } from './forms.repository.ts';
import { openAnswers } from './forms.answers.ts';

const both = (zh: string, en: string): Localized => ({ 'zh-CN': zh, en });
const defaults = {
  description: both('', ''),
  submitLabel: both('提交', 'Submit'),
  successMessage: both('感谢您的提交！', 'Thank you for signing up!'),
};

/** A slug nobody will guess or collide with: 10 base-36 characters. */
function randomSlug(): string {
  const bytes = randomBytes(10);
  return Array.from(bytes, (b) => (b % 36).toString(36)).join('');
}

/**
 * The rules a form must satisfy to be saved; every problem at once, each naming its place
 * (`fields.2.key`, `consents.0.id`, `doubleOptIn`).
 */
function checkForm(d: FormDefinition, doubleOptIn: boolean, defs: readonly AttributeDefinitionRef[]): AnswerProblem[] {
  const problems: AnswerProblem[] = [];
  const byKey = new Map(defs.map((def) => [def.key, def]));
  const seen = new Set<string>();
  d.fields.forEach((f, i) => {
    const label = f.label['zh-CN'] || f.label.en || f.key;
    if (seen.has(f.key)) problems.push({ field: `fields.${i}.key`, code: 'FORM_FIELD_DUPLICATE', params: { label } });
    seen.add(f.key);
    if (f.key.startsWith('attributes.') && !byKey.has(f.key.slice('attributes.'.length))) {
      problems.push({
        field: `fields.${i}.key`,
        code: 'FORM_ATTRIBUTE_UNKNOWN',
        params: { key: f.key.slice('attributes.'.length) },
      });
    }
  });
  // a new customer without a required attribute would be refused on every submission
  for (const def of defs.filter((x) => x.isRequired)) {
    const field = d.fields.find((f) => f.key === `attributes.${def.key}`);
    if (!field?.required) {
      problems.push({ field: 'fields', code: 'FORM_ATTRIBUTE_REQUIRED_MISSING', params: { label: def.label } });
    }
  }
  if (!seen.has('mobile') && !seen.has('email')) problems.push({ field: 'fields', code: 'FORM_NEEDS_IDENTIFIER' });
  if (doubleOptIn && !d.fields.some((f) => f.key === 'email' && f.required)) {
    problems.push({ field: 'doubleOptIn', code: 'FORM_DOUBLE_OPT_IN_NEEDS_EMAIL' });
  }
  const ids = new Set<string>();
  const purposes = new Set<string>();
  d.consents.forEach((c, i) => {
    if (ids.has(c.id))
      problems.push({ field: `consents.${i}.id`, code: 'FORM_CONSENT_ID_DUPLICATE', params: { id: c.id } });
    ids.add(c.id);
    const key = `${c.purpose}:${c.channel}`;
    if (purposes.has(key)) problems.push({ field: `consents.${i}.channel`, code: 'FORM_CONSENT_DUPLICATE' });
    purposes.add(key);
  });
  return problems;
}

/** Masks what identifies a person unless the reader asked for it in clear. */
function maskAnswers(answers: Record<string, string | string[]>): Record<string, string | string[]> {
  const out = { ...answers };
  if (typeof out.mobile === 'string') out.mobile = maskMobile(out.mobile);
  if (typeof out.email === 'string') out.email = maskEmail(out.email);
  if (typeof out.address === 'string') out.address = maskAddress(out.address);
  return out;
}

const encodeCursor = (row: { created_at: Date; id: string }) =>
  Buffer.from(`${row.created_at.toISOString()}|${row.id}`).toString('base64url');
function decodeCursor(cursor: string | undefined): { at: Date; id: string } | undefined {
  if (!cursor) return undefined;
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const date = new Date(at ?? '');
  if (Number.isNaN(date.getTime()) || !/^[0-9a-f-]{36}$/.test(id ?? '')) {
    throw new DomainError('invalid', 'VALIDATION_FAILED', {}, 'cursor');
  }
  return { at: date, id: id! };
}

export type FormsService = ReturnType<typeof createFormsService>;

/** The builder's use cases: forms (create, change, publish, delete) and their submissions. */
export function createFormsService(ctx: FormsContext) {
  const { db, audit, customers, crypto, now } = ctx;

  async function getRow(q: Queryable, id: string): Promise<FormRow> {
    const row = await repo.find(q, id);
    if (!row) throw formsErrors.notFound();
    return row;
  }

  async function assertValid(d: FormDefinition, doubleOptIn: boolean, touchpointId: string | null | undefined) {
    const defs = await customers.attributeDefinitions(db);
    const problems = checkForm(d, doubleOptIn, defs);
    if (touchpointId && !(await customers.findTouchpoint(db, { id: touchpointId }))) {
      problems.push({ field: 'touchpointId', code: 'REFERENCE_NOT_FOUND', params: { field: 'touchpointId' } });
    }
    if (problems.length) throw problemsError(problems);
  }

  async function saveSlug<T>(slug: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (isSlugTaken(err)) throw formsErrors.slugTaken(slug);
      throw err;
    }
  }

  return {
    async list(): Promise<FormDto[]> {
      return (await repo.list(db)).map(toForm);
    },

    async get(id: string): Promise<FormDto> {
      return toForm(await getRow(db, id));
    },

    fieldOptions: async () => ({
      profileFields: [...profileFieldKeys],
      attributes: await customers.attributeDefinitions(db),
      purposes: [...consentPurposes],
      channels: [...consentChannels],
    }),

    async create(request: FastifyRequest, body: CreateFormBody): Promise<FormDto> {
      const actor = request.actor;
      assertCan(actor, 'ingest.create');
      const definition: FormDefinition = {
        title: body.title ?? both(body.name, body.name),
        description: body.description ?? defaults.description,
        fields: body.fields,
        consents: body.consents ?? [],
        submitLabel: body.submitLabel ?? defaults.submitLabel,
        successMessage: body.successMessage ?? defaults.successMessage,
      };
      const doubleOptIn = body.doubleOptIn ?? false;
      await assertValid(definition, doubleOptIn, body.touchpointId);
      const id = randomUUID();
      const at = now();
      const slug = body.slug ?? randomSlug();
      const status = body.status ?? 'draft';
      await saveSlug(slug, () =>
        db.transaction(async (tx) => {
          await repo.insert(tx, id, {
            slug,
            name: body.name,
            status,
            language: body.language ?? 'zh-CN',
            definition,
            double_opt_in: doubleOptIn,
            touchpoint_id: body.touchpointId ?? null,
            tags: [...new Set(body.tags ?? [])],
            published_at: status === 'published' ? at : null,
            created_by: actor.userId,
            at,
          });
          await audit.recordRequest(
            request,
            { action: 'form.created', entityType: 'form', entityId: id, details: { slug, status } },
            tx,
          );
        }),
      );
      return toForm(await getRow(db, id));
    },

    async update(request: FastifyRequest, id: string, body: UpdateFormBody): Promise<FormDto> {
      assertCan(request.actor, 'ingest.edit');
      const current = await getRow(db, id);
      const d = current.definition;
      const definition: FormDefinition = {
        title: body.title ?? d.title,
        description: body.description ?? d.description,
        fields: body.fields ?? d.fields,
        consents: body.consents ?? d.consents,
        submitLabel: body.submitLabel ?? d.submitLabel,
        successMessage: body.successMessage ?? d.successMessage,
      };
      const doubleOptIn = body.doubleOptIn ?? current.double_opt_in;
      const touchpointId = body.touchpointId === undefined ? current.touchpoint_id : body.touchpointId;
      await assertValid(definition, doubleOptIn, touchpointId);
      const at = now();
      const columns: FormColumns = {
        name: body.name,
        slug: body.slug,
        status: body.status,
        language: body.language,
        definition,
        double_opt_in: doubleOptIn,
        touchpoint_id: touchpointId,
        tags: body.tags ? [...new Set(body.tags)] : undefined,
        published_at: body.status === 'published' && current.status !== 'published' ? at : undefined,
      };
      await saveSlug(body.slug ?? current.slug, () =>
        db.transaction(async (tx) => {
          if (!(await repo.lock(tx, id))) throw formsErrors.notFound();
          await repo.update(tx, id, columns, at);
          const statusChanged = body.status !== undefined && body.status !== current.status;
          await audit.recordRequest(
            request,
            {
              action: statusChanged ? `form.${body.status}` : 'form.updated',
              entityType: 'form',
              entityId: id,
              details: { fields: Object.keys(body) },
            },
            tx,
          );
        }),
      );
      return toForm(await getRow(db, id));
    },

    /** Only a form nobody has submitted yet; one with submissions is closed instead (its consents point at it). */
    async delete(request: FastifyRequest, id: string): Promise<void> {
      assertCan(request.actor, 'ingest.delete');
      await db.transaction(async (tx) => {
        const form = await repo.lock(tx, id);
        if (!form) throw formsErrors.notFound();
        if (form.submission_count > 0) throw formsErrors.hasSubmissions(form.submission_count);
        await repo.delete(tx, id);
        await audit.recordRequest(
          request,
          { action: 'form.deleted', entityType: 'form', entityId: id, details: { slug: form.slug } },
          tx,
        );
      });
    },

    /**
     * A form's submissions, newest first. Mobile, email and address are masked unless `reveal`
     * is asked for, which needs `customers.reveal` and is audited.
     */
    async submissions(
      request: FastifyRequest,
      id: string,
      query: { limit: number; cursor?: string; reveal?: boolean },
    ): Promise<SubmissionPage> {
      const actor = request.actor;
      assertCan(actor, 'ingest.view');
      if (query.reveal) assertCan(actor, 'customers.reveal');
      await getRow(db, id);
      const rows = await repo.listSubmissions(db, id, query.limit + 1, decodeCursor(query.cursor));
      const page = rows.slice(0, query.limit);
      const names = can(actor, 'customers.view')
        ? await customers.namesOf(
            db,
            page.map((r) => r.customer_id),
          )
        : new Map<string, string>();
      if (query.reveal && page.length) {
        await audit.recordRequest(request, {
          action: 'form.submissions_revealed',
          entityType: 'form',
          entityId: id,
          details: { count: page.length },
        });
      }
      const last = page.at(-1);
      return {
        items: page.map((r) => {
          const answers = openAnswers(crypto, r);
          return toSubmission(r, query.reveal ? answers : maskAnswers(answers), names.get(r.customer_id) ?? null);
        }),
        nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null,
        isMasked: !query.reveal,
      };
    },
  };
}
