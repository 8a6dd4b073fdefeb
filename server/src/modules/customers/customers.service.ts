import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { CountryCode } from 'libphonenumber-js';
import { assertCan, can, type Actor } from '../../platform/auth/actor.ts';
import type { Queryable, Tx } from '../../platform/db/db.ts';
import { FieldCryptoError } from '../../platform/crypto/field-crypto.ts';
import { commonErrors, type DomainError } from '../../platform/http/errors.ts';
import { translator } from '../../platform/i18n/i18n.ts';
import { checkAttributes, type AttributeChanges } from './attributes.service.ts';
import { customerViewFor, dateIn, encColumn, toCustomer, type Customer, type Gender } from './customer.dto.ts';
import type { CustomersContext } from './customers.context.ts';
import { customersErrors as errors, fieldErrors, type UniqueField } from './customers.errors.ts';
import {
  customerEventTypes,
  type CustomerCreatedEvent,
  type CustomerDeletedEvent,
  type CustomerUpdatedEvent,
} from './customers.events.ts';
import {
  customersRepository as repo,
  violatedUniqueField,
  type AttributeDefinitionRow,
  type CustomerColumns,
  type CustomerRow,
  type UniqueKeys,
} from './customers.repository.ts';
import { identityFields, identitySpecs, openIdentity, sealIdentity, type IdentityField } from './identities.ts';
import { nameTermsOf } from './name-search.ts';
import type { Collector } from './collect.face.ts';
import { createBulkCollector } from './collect-bulk.ts';
import { createCollector } from './collect.ts';
import { createDuplicatesService } from './duplicates.service.ts';
import { mergeErrors } from './merge.errors.ts';
import { mergeRepository } from './merge.repository.ts';
import { invalidRegionField } from './regions.ts';
import { tagsRepository } from './tags.repository.ts';

/** The flat profile a customer is written with (POST, and PATCH as any subset; null clears). */
export type CustomerInput = {
  name: string;
  gender?: Gender;
  birthday?: string | null;
  mobile?: string | null;
  email?: string | null;
  wechatOpenId?: string | null;
  wechatUnionId?: string | null;
  idNumber?: string | null;
  address?: string | null;
  country?: string;
  province?: string | null;
  city?: string | null;
  district?: string | null;
  occupation?: string | null;
  incomeBand?: string | null;
  education?: string | null;
  source?: string | null;
  touchpointId?: string | null;
  ownerId?: string | null;
  tags?: string[];
  attributes?: Record<string, unknown>;
  externalId?: string | null;
};
export type CustomerPatch = Partial<CustomerInput>;

/** Plain profile fields: API name → column. */
const plainFields = {
  gender: 'gender',
  birthday: 'birthday',
  occupation: 'occupation',
  incomeBand: 'income_band',
  education: 'education',
  country: 'country',
  province: 'province',
  city: 'city',
  district: 'district',
  externalId: 'external_id',
  source: 'source',
  touchpointId: 'touchpoint_id',
  ownerId: 'owner_id',
} as const satisfies Partial<Record<keyof CustomerInput, keyof CustomerRow & keyof CustomerColumns>>;
type PlainField = keyof typeof plainFields;

/**
 * What a caller of `prepare` knows already: identities it normalised and indexed (collectors
 * match on them before preparing, so the phone is parsed once), and `checkOnly` for a check
 * whose columns are thrown away (dry runs: nothing encrypted, no search terms).
 */
export type PrepareKnown = {
  identities?: Partial<
    Record<IdentityField, { raw: string; country: string; normalised: string; bidx: string | null }>
  >;
  checkOnly?: boolean;
};

/** Text left blank means "no value". */
const blank = <T>(v: T): T | null => (typeof v === 'string' && v.trim() === '' ? null : v);

export type CustomersService = ReturnType<typeof createCustomersService>;

export function createCustomersService(ctx: CustomersContext) {
  const { db, audit, crypto, events, face, now, settings } = ctx;
  const duplicates = createDuplicatesService(ctx);

  async function view(row: CustomerRow): Promise<Customer> {
    return toCustomer(row, await customerViewFor(ctx, [row]));
  }

  async function getRow(q: Queryable, id: string): Promise<CustomerRow> {
    const row = await repo.findCustomer(q, id);
    if (!row) throw errors.notFound();
    return row;
  }

  /** Decrypts a stored identity for comparison; an unreadable token counts as "something else". */
  function currentIdentity(row: CustomerRow, field: IdentityField): string | null {
    const enc = row[encColumn(field)];
    if (!enc) return null;
    try {
      return openIdentity(crypto, field, enc, row.id);
    } catch {
      return '\u0000unreadable';
    }
  }

  /**
   * Checks a create (`current` null) or a change against the rules that need no further
   * queries: identities normalise, the birthday is not after `today`, the region exists, custom
   * attributes fit their definitions. Returns the columns and attributes to write, the unique
   * keys to check and the names of the fields that change; throws every problem at once.
   */
  function prepare(
    id: string,
    input: CustomerPatch,
    current: CustomerRow | null,
    { today, definitions }: { today: string; definitions: AttributeDefinitionRow[] },
    known: PrepareKnown = {},
  ): { columns: CustomerColumns; attributes: AttributeChanges | null; keys: UniqueKeys; changed: string[] } {
    const problems: DomainError[] = [];
    const columns: CustomerColumns = {};
    const keys: UniqueKeys = {};
    const changed: string[] = [];

    if (input.name !== undefined && input.name !== current?.name) {
      columns.name = input.name;
      if (!known.checkOnly) columns.name_terms = nameTermsOf(input.name);
      changed.push('name');
    }

    const country = input.country ?? current?.country ?? 'CN';
    for (const field of Object.keys(plainFields) as PlainField[]) {
      if (!(field in input)) continue;
      const value = blank(input[field]) ?? (field === 'gender' ? 'unknown' : field === 'country' ? 'CN' : null);
      const column = plainFields[field];
      if (current && current[column] === value) continue;
      (columns as Record<string, unknown>)[column] = value;
      changed.push(field);
    }
    if (columns.external_id) keys.externalId = columns.external_id;

    if (columns.birthday && columns.birthday > today) {
      problems.push(errors.birthdayInFuture());
    }

    const regionTouched = ['country', 'province', 'city', 'district'].some((f) => changed.includes(f));
    if (regionTouched && country === 'CN') {
      const province = columns.province !== undefined ? columns.province : (current?.province ?? null);
      const city = columns.city !== undefined ? columns.city : (current?.city ?? null);
      const district = columns.district !== undefined ? columns.district : (current?.district ?? null);
      const wrong = invalidRegionField(province, city, district);
      if (wrong) {
        const value = { province, city, district }[wrong] ?? '';
        problems.push(errors.unknownRegion(wrong, value));
      }
    }

    for (const field of identityFields) {
      if (!(field in input)) continue;
      const raw = blank(input[field]);
      const spec = identitySpecs[field];
      const given = known.identities?.[field];
      const normalised =
        raw === null || raw === undefined
          ? null
          : given && given.raw === raw && given.country === country
            ? given.normalised
            : spec.normalise(raw, country as CountryCode);
      if (raw && normalised === null) {
        problems.push(errors.invalidIdentity(field));
        continue;
      }
      if (current && currentIdentity(current, field) === normalised) continue;
      if (known.checkOnly) {
        changed.push(field);
        continue;
      }
      const sealed =
        normalised === null
          ? { enc: null, bidx: null }
          : sealIdentity(crypto, field, normalised, id, given?.normalised === normalised ? given.bidx : undefined);
      (columns as Record<string, unknown>)[`${spec.column}_enc`] = sealed.enc;
      if (spec.indexBytes !== null) (columns as Record<string, unknown>)[`${spec.column}_bidx`] = sealed.bidx;
      if (sealed.bidx && field !== 'idNumber' && field !== 'address') keys[field] = sealed.bidx;
      changed.push(field);
    }

    if (input.tags !== undefined) {
      const tags = [...new Set(input.tags)];
      if (!current || tags.join('\u0000') !== current.tags.join('\u0000')) {
        columns.tags = tags;
        changed.push('tags');
      }
    }

    let attributes: AttributeChanges | null = null;
    if (!current || (input.attributes && Object.keys(input.attributes).length)) {
      const checked = checkAttributes(definitions, input.attributes ?? {}, { partial: !!current });
      problems.push(...checked.problems);
      attributes = checked.changes;
      const stored = current?.attributes ?? {};
      const differs =
        attributes.unset.some((k) => k in stored) ||
        Object.entries(attributes.set).some(([k, v]) => JSON.stringify(stored[k]) !== JSON.stringify(v));
      if (current && differs) changed.push('attributes');
      else if (current) attributes = null;
    }

    if (problems.length) throw fieldErrors(problems);
    return { columns, attributes, keys, changed };
  }

  /** References to other tables: the touchpoint (ours) and the owner (a staff user). */
  async function checkReferences(q: Queryable, columns: CustomerColumns, ownerExists: boolean): Promise<void> {
    if (columns.touchpoint_id && !(await face.findTouchpoint(q, { id: columns.touchpoint_id }))) {
      throw commonErrors.referenceMissing('touchpointId');
    }
    if (columns.owner_id && !ownerExists) throw commonErrors.referenceMissing('ownerId');
  }

  /**
   * What checking input needs from elsewhere: today in the business time zone (settings are
   * read over `db`, so never inside a transaction on PGlite) and the attribute definitions.
   */
  async function rules(): Promise<{ today: string; definitions: AttributeDefinitionRow[] }> {
    const [timeZone, definitions] = await Promise.all([settings.timeZone(), repo.listDefinitions(db)]);
    return { today: dateIn(timeZone, now()), definitions };
  }

  /** Staff names come from the staff module over `db`: ask before any transaction (PGlite has one session). */
  async function ownerExists(ownerId: string | null | undefined): Promise<boolean> {
    if (!ownerId) return true;
    return (await ctx.userNames([ownerId])).has(ownerId);
  }

  async function assertUnique(tx: Queryable, actor: Actor, keys: UniqueKeys, exceptId?: string): Promise<void> {
    const holder = await repo.findHolders(tx, keys, exceptId);
    if (holder) throw duplicate(actor, holder.field, holder);
  }

  function duplicate(actor: Actor, field: UniqueField, holder: { id: string; name: string } | null) {
    return errors.duplicate(field, holder && can(actor, 'customers.view') ? holder : null);
  }

  /** A unique index the pre-check did not see coming (a concurrent insert): the same 409. */
  async function mapRace<T>(tx: Queryable, actor: Actor, keys: UniqueKeys, exceptId: string, work: () => Promise<T>) {
    try {
      // a savepoint, so the transaction survives the violation and can look the holder up
      return await tx.transaction(() => work());
    } catch (err) {
      const field = violatedUniqueField(err);
      if (!field) throw err;
      const holder = keys[field] ? await repo.findHolders(tx, { [field]: keys[field] }, exceptId) : null;
      throw duplicate(actor, field, holder);
    }
  }

  return {
    /** For collectors (customers.face.collector): the API's validation, loaded once per batch. */
    async collector(): Promise<Collector> {
      const deps = { ctx, rules, prepare };
      const loaded = await rules();
      const single = createCollector(deps, loaded);
      // what collectors write is checked for duplicates (duplicates.service.ts)
      return duplicates.watch({ ...single, ...createBulkCollector(deps, loaded, single) });
    },

    async get(id: string): Promise<Customer> {
      const row = await repo.findCustomer(db, id);
      if (row) return view(row);
      // a merged record answers 404 naming the customer it lives in now (docs/decisions/0011-merge.md)
      const merged = await mergeRepository.mergedInto(db, id);
      throw merged ? mergeErrors.merged(merged.survivorId, merged.mergeId) : errors.notFound();
    },

    async create(request: FastifyRequest, input: CustomerInput): Promise<Customer> {
      const actor = request.actor;
      assertCan(actor, 'customers.create');
      const id = randomUUID();
      const at = now();
      const { columns, attributes, keys } = prepare(id, input, null, await rules());
      const ownerOk = await ownerExists(columns.owner_id);
      await db.transaction(async (tx) => {
        await checkReferences(tx, columns, ownerOk);
        await assertUnique(tx, actor, keys);
        await mapRace(tx, actor, keys, id, () =>
          repo.insertCustomer(tx, id, { ...columns, name: input.name }, attributes?.set ?? {}, actor.userId, at),
        );
        if (columns.tags?.length) await tagsRepository.register(tx, columns.tags, at);
        await face.recordActivity(tx, {
          customerId: id,
          at,
          kind: 'customer.created',
          module: 'customers',
          touchpointId: columns.touchpoint_id ?? null,
          actorId: actor.userId,
          summary: { source: columns.source ?? null },
        });
        await events.emit<CustomerCreatedEvent>(tx, {
          type: customerEventTypes.created,
          customerId: id,
          payload: { customerId: id, source: columns.source ?? null, touchpointId: columns.touchpoint_id ?? null },
        });
        await audit.recordRequest(
          request,
          {
            action: 'customer.created',
            entityType: 'customer',
            entityId: id,
            details: {
              fields: Object.keys(input).filter((k) => (blank(input[k as keyof CustomerInput]) ?? null) !== null),
            },
          },
          tx,
        );
        await duplicates.afterStaffChange(tx, [id]);
      });
      return view(await getRow(db, id));
    },

    async update(request: FastifyRequest, id: string, input: CustomerPatch): Promise<Customer> {
      const actor = request.actor;
      assertCan(actor, 'customers.edit');
      const at = now();
      // Unlocked first look, for what must be asked outside the transaction (the owner's name).
      await getRow(db, id);
      const ownerOk = await ownerExists(blank(input.ownerId));
      const context = await rules();
      await db.transaction(async (tx: Tx) => {
        const current = await repo.lockCustomer(tx, id);
        if (!current) throw errors.notFound();
        const { columns, attributes, keys, changed } = prepare(id, input, current, context);
        await checkReferences(tx, columns, ownerOk);
        if (changed.length === 0) return;
        await assertUnique(tx, actor, keys, id);
        await mapRace(tx, actor, keys, id, () => repo.updateCustomer(tx, id, columns, attributes, at));
        if (columns.tags?.length) await tagsRepository.register(tx, columns.tags, at);
        await face.recordActivity(tx, {
          customerId: id,
          at,
          kind: 'profile.updated',
          module: 'customers',
          actorId: actor.userId,
          summary: { fields: changed },
        });
        await events.emit<CustomerUpdatedEvent>(tx, {
          type: customerEventTypes.updated,
          customerId: id,
          payload: { customerId: id, fields: changed },
        });
        await audit.recordRequest(
          request,
          { action: 'customer.updated', entityType: 'customer', entityId: id, details: { fields: changed } },
          tx,
        );
        await duplicates.afterStaffChange(tx, [id]);
      });
      return view(await getRow(db, id));
    },

    /**
     * Deletes a customer with everything other modules hold for them (face dependents), in one
     * transaction. Without `confirm`, a customer who has any such rows is refused, naming them.
     */
    async delete(request: FastifyRequest, id: string, confirm: boolean): Promise<void> {
      const actor = request.actor;
      assertCan(actor, 'customers.delete');
      await db.transaction(async (tx) => {
        if (!(await repo.lockCustomer(tx, id))) throw errors.notFound();
        const counts: Record<string, number> = {};
        for (const d of face.dependents()) {
          const n = await d.countFor(tx, id);
          if (n > 0) counts[d.name] = n;
        }
        if (!confirm && Object.keys(counts).length) {
          const t = translator(request.locale);
          const list = Object.entries(counts)
            .map(([name, count]) => t(`customerDependents.${name}`, { count, defaultValue: `${name}: ${count}` }))
            .join(t('customerDependents.separator', { defaultValue: ', ' }));
          throw errors.hasDependents(list, counts);
        }
        for (const d of face.dependents()) if (counts[d.name]) await d.deleteFor(tx, id);
        await repo.deleteCustomer(tx, id);
        await events.emit<CustomerDeletedEvent>(tx, {
          type: customerEventTypes.deleted,
          customerId: id,
          payload: { customerId: id, dependents: counts },
        });
        await audit.recordRequest(
          request,
          { action: 'customer.deleted', entityType: 'customer', entityId: id, details: { dependents: counts } },
          tx,
        );
      });
    },

    /** One identity in clear, for a holder of customers.reveal; every reveal is audited (field name only). */
    async reveal(
      request: FastifyRequest,
      id: string,
      field: IdentityField,
    ): Promise<{ field: IdentityField; value: string | null }> {
      const actor = request.actor;
      assertCan(actor, 'customers.reveal');
      const row = await getRow(db, id);
      const enc = row[encColumn(field)];
      let value: string | null = null;
      try {
        value = enc ? openIdentity(crypto, field, enc, id) : null;
      } catch (err) {
        if (!(err instanceof FieldCryptoError)) throw err;
        request.log.error({ customerId: id, field, reason: err.code }, 'stored identity does not decrypt');
        throw errors.identityUnreadable(field);
      }
      await audit.recordRequest(request, {
        action: 'customer.revealed',
        entityType: 'customer',
        entityId: id,
        details: { field },
      });
      return { field, value };
    },
  };
}
