import type { Queryable, Tx } from '../../platform/db/db.ts';
import type { DomainError } from '../../platform/http/errors.ts';
import type { CustomerPatch } from './customers.service.ts';

/**
 * How collectors (the tracking API, sign-up forms, shop webhooks, imports) turn what they
 * received into one customer: match on the identifiers they carry, create when nothing
 * matches, and on a match leave, fill or overwrite the profile as the caller chooses.
 */

/**
 * An identifier that lives outside the profile's own columns: the id a shop, a POS or the
 * tracking API's `userId` gives a person (`external`), or a membership card number
 * (`memberCard`). `namespace` says whose id it is (`shopify:my-shop.myshopify.com`,
 * `tracking`, `pos`, `import`); the same value in two namespaces is two identities.
 */
export type ExternalIdentity = { kind: 'external' | 'memberCard'; namespace: string; value: string };

/** What to do with the profile of a customer that matched. */
export type OnMatch = 'skip' | 'fillEmpty' | 'overwrite';

export type CollectedCustomer = {
  /**
   * Profile fields as the customers API takes them. Identifiers among them (mobile, email,
   * WeChat ids, `externalId`) are matched on, strongest first: mobile, email, WeChat unionid,
   * openid, `externalId`, then `ids` in order. `name` may be absent: a new customer without
   * one is named from what is known (the email's local part, or a masked mobile).
   */
  profile: CustomerPatch;
  ids?: ExternalIdentity[];
  onMatch: OnMatch;
  /** `customers.source` for a new customer and the provenance of the change (`tracking`, `form`, `shopify`, `import`). */
  source: string;
  touchpointId?: string | null;
  /** When it happened (the timeline row's time); defaults to now. */
  at?: Date;
  /** The timeline sentence's parameters, e.g. `{ form: 'Spring sign-up' }`. */
  summary?: Record<string, unknown>;
  /**
   * `true`: a field that fails validation (a bad mobile in tracking traits) is left out and
   * reported in `dropped`, the rest is kept. `false`: any problem throws the same 422 the
   * customers API answers, naming every field.
   */
  lenient?: boolean;
};

export type CollectOutcome = 'created' | 'updated' | 'unchanged' | 'skipped';

export type CollectResult = {
  customerId: string;
  outcome: CollectOutcome;
  /** Which identifier found the customer (`mobile`, `email`, `external:shopify:x`, …); null when created. */
  matchedBy: string | null;
  /** Profile fields that were left out (lenient mode) with the reason, in English for logs. */
  dropped: { field: string; reason: string }[];
  /**
   * Other customers that one of the given identifiers belongs to (a mobile of A, an email of B).
   * Never merged automatically; duplicate review shows them.
   */
  conflicts: string[];
  /** The profile fields written (names only, as the timeline shows them). */
  changed: string[];
};

/** A row `resolveMany` refused: the API's 422 (or 409) for that input; the other rows went on. */
export type CollectFailure = { error: DomainError };

export type Collector = {
  /**
   * Matches, creates or updates in the caller's transaction, records the timeline row
   * (`customer.created` / `profile.updated` with `summary.source`) and links `ids` to the
   * customer. Never throws for an identifier another customer already holds: that customer is
   * the match (or a conflict when a stronger identifier matched someone else).
   */
  resolve(tx: Tx, input: CollectedCustomer): Promise<CollectResult>;
  /** The customer an input would match, without writing (dry runs, previews). */
  match(
    q: Queryable,
    input: Pick<CollectedCustomer, 'profile' | 'ids'>,
  ): Promise<{ customerId: string; matchedBy: string } | null>;
  /**
   * Many inputs in the caller's transaction with the outcome of `resolve` on each in order, in
   * a few statements instead of several per input (collect-bulk.ts). A row the API's rules
   * refuse is answered with its error and the others go on.
   */
  resolveMany(tx: Tx, inputs: readonly CollectedCustomer[]): Promise<(CollectResult | CollectFailure)[]>;
  /** `match` for many inputs with one query (dry runs). */
  matchMany(
    q: Queryable,
    inputs: readonly Pick<CollectedCustomer, 'profile' | 'ids'>[],
  ): Promise<({ customerId: string; matchedBy: string } | null)[]>;
  /** The 422 `resolve` would refuse this input with as a new customer, or null; writes and reads nothing (dry runs). */
  check(input: CollectedCustomer): DomainError | null;
  /**
   * A head start for `resolveMany` that needs no database: normalises, indexes, checks and
   * encrypts each input as a new customer, remembered by input object, so an import does it for
   * its next chunk while the previous one is being written. Never required; never writes.
   * `asNew: false` only normalises and indexes (rows expected to match: nothing to encrypt).
   */
  warm(inputs: readonly CollectedCustomer[], options?: { asNew?: boolean }): void;
};
