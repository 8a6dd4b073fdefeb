import type { FastifyRequest } from 'fastify';
import { assertCan } from '../../platform/auth/actor.ts';
import type { Queryable } from '../../platform/db/db.ts';
import { consentsRepository as repo, type ConsentStatus } from './consents.repository.ts';
import type { CustomersContext } from './customers.context.ts';
import { customersErrors } from './customers.errors.ts';
import { consentsErrors } from './consents.errors.ts';

export const consentPurposes = [
  'marketing',
  'newsletter',
  'service',
  'profiling',
  'third_party',
  'privacy_policy',
] as const;
export type ConsentPurpose = (typeof consentPurposes)[number];
/** `any`: every channel (a consent given without naming one). */
export const consentChannels = ['email', 'sms', 'wechat', 'phone', 'any'] as const;
export type ConsentChannel = (typeof consentChannels)[number];
export const consentStatuses = ['granted', 'withdrawn', 'pending'] as const satisfies readonly ConsentStatus[];

/** One consent decision, as other modules record it through the face (`customers.face.recordConsent`). */
export type ConsentInput = {
  customerId: string;
  purpose: ConsentPurpose;
  channel: ConsentChannel;
  /** false: withdrawn (or refused). */
  granted: boolean;
  /**
   * A grant still to be confirmed (double opt-in): stored as `pending`, which counts as not
   * granted and never replaces a confirmed grant in the current state.
   */
  pending?: boolean;
  /** `form:<id>`, `staff`, `import:<id>` … */
  source: string;
  /** The words the customer agreed to (or a note of how they withdrew). */
  policyText: string | null;
  policyVersion?: string | null;
  at: Date;
  /** Proof of how it was given: hashed address, user agent, submission id. Never raw personal data. */
  evidence?: Record<string, unknown>;
  actorId?: string | null;
};

export type ConsentRecorded = { id: number; status: ConsentStatus; isCurrent: boolean };

/** Appends the history row and updates the current state, in the caller's transaction. */
export async function recordConsent(q: Queryable, input: ConsentInput): Promise<ConsentRecorded> {
  const status: ConsentStatus = !input.granted ? 'withdrawn' : input.pending ? 'pending' : 'granted';
  const row = {
    customer_id: input.customerId,
    purpose: input.purpose,
    channel: input.channel,
    status,
    source: input.source.slice(0, 100),
    policy_text: input.policyText?.slice(0, 10_000) ?? null,
    policy_version: input.policyVersion?.slice(0, 50) ?? null,
    evidence: input.evidence ?? {},
    actor_id: input.actorId ?? null,
    at: input.at,
  };
  const id = await repo.insert(q, row);
  return { id, status, isCurrent: await repo.applyToState(q, id, row) };
}

export type ConsentState = {
  purpose: string;
  channel: string;
  status: ConsentStatus;
  source: string;
  policyVersion: string | null;
  at: string;
};
export type ConsentRecord = ConsentState & {
  id: string;
  policyText: string | null;
  evidence: Record<string, unknown>;
  actor: { id: string; name: string } | null;
};
export type CustomerConsents = { current: ConsentState[]; history: ConsentRecord[] };

export type RecordConsentBody = {
  purpose: ConsentPurpose;
  channel: ConsentChannel;
  granted: boolean;
  policyText?: string | null;
  policyVersion?: string | null;
};

const historyLimit = 200;

/** A customer's consents for the Customer 360, and staff recording one (a phone call, a paper form). */
export function createConsentsService(ctx: CustomersContext) {
  const { db, audit, face, now } = ctx;

  async function list(customerId: string): Promise<CustomerConsents> {
    if (!(await face.exists(db, customerId))) throw customersErrors.notFound();
    const [state, history] = await Promise.all([
      repo.listState(db, customerId),
      repo.listHistory(db, customerId, historyLimit),
    ]);
    const actorIds = [...new Set(history.map((h) => h.actor_id).filter((id): id is string => !!id))];
    const names = actorIds.length ? await ctx.userNames(actorIds) : new Map<string, string>();
    return {
      current: state.map((s) => ({
        purpose: s.purpose,
        channel: s.channel,
        status: s.status,
        source: s.source,
        policyVersion: s.policy_version,
        at: s.at.toISOString(),
      })),
      history: history.map((h) => ({
        id: String(h.id),
        purpose: h.purpose,
        channel: h.channel,
        status: h.status,
        source: h.source,
        policyText: h.policy_text,
        policyVersion: h.policy_version,
        evidence: h.evidence,
        actor: h.actor_id ? { id: h.actor_id, name: names.get(h.actor_id) ?? '' } : null,
        at: h.at.toISOString(),
      })),
    };
  }

  return {
    list,

    /** Staff record a grant or a withdrawal they witnessed; audited and on the timeline. */
    async record(request: FastifyRequest, customerId: string, body: RecordConsentBody): Promise<CustomerConsents> {
      const actor = request.actor;
      assertCan(actor, 'customers.edit');
      const policyText = body.policyText?.trim() || null;
      // a grant without the words agreed to proves nothing; a withdrawal needs none
      if (body.granted && !policyText) throw consentsErrors.policyTextRequired();
      const at = now();
      await db.transaction(async (tx) => {
        if (!(await face.exists(tx, customerId))) throw customersErrors.notFound();
        const recorded = await recordConsent(tx, {
          customerId,
          purpose: body.purpose,
          channel: body.channel,
          granted: body.granted,
          source: 'staff',
          policyText,
          policyVersion: body.policyVersion?.trim() || null,
          at,
          actorId: actor.userId,
        });
        await face.recordActivity(tx, {
          customerId,
          at,
          kind: body.granted ? 'consent.granted' : 'consent.withdrawn',
          module: 'customers',
          ref: `consent:${recorded.id}`,
          actorId: actor.userId,
          summary: { purpose: body.purpose, channel: body.channel, source: 'staff' },
        });
        await audit.recordRequest(
          request,
          {
            action: body.granted ? 'customer.consent_granted' : 'customer.consent_withdrawn',
            entityType: 'customer',
            entityId: customerId,
            details: { purpose: body.purpose, channel: body.channel, consentId: recorded.id },
          },
          tx,
        );
      });
      return list(customerId);
    },
  };
}
