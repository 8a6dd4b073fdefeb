import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DomainError } from '../../platform/http/errors.ts';
import type { CustomersContext } from './customers.context.ts';
import { customersErrors as errors, fieldErrors } from './customers.errors.ts';
import { customersRepository as repo, type AttributeDefinitionRow } from './customers.repository.ts';

/** Custom attributes (自定义字段): the definitions administrators keep, and checking values against them. */

export const attributeTypes = ['text', 'number', 'date', 'choice', 'multi_choice'] as const;
export type AttributeType = (typeof attributeTypes)[number];

export const AttributeOption = z.object({
  value: z.string().trim().min(1).max(100),
  label: z.string().trim().min(1).max(100),
});
export const AttributeDefinition = z.object({
  id: z.string(),
  key: z.string(),
  label: z.string(),
  description: z.string().nullable(),
  type: z.enum(attributeTypes),
  options: z.array(z.object({ value: z.string(), label: z.string() })),
  isRequired: z.boolean(),
  sortOrder: z.number().int(),
});
export type AttributeDefinition = z.infer<typeof AttributeDefinition>;

export type CreateAttributeInput = {
  key: string;
  label: string;
  description?: string | null;
  type: AttributeType;
  options?: { value: string; label: string }[];
  isRequired?: boolean;
  sortOrder?: number;
};
export type UpdateAttributeInput = Partial<Omit<CreateAttributeInput, 'key' | 'type'>>;

export const maxTextAttributeLength = 1000;

export function toAttributeDefinition(row: AttributeDefinitionRow): AttributeDefinition {
  return {
    id: row.id,
    key: row.key,
    label: row.label,
    description: row.description,
    type: row.type,
    options: row.options,
    isRequired: row.is_required,
    sortOrder: row.sort_order,
  };
}

const isChoice = (type: AttributeType) => type === 'choice' || type === 'multi_choice';

function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

export type AttributeChanges = {
  /** Values to store, in their canonical form (numbers as numbers, choices deduplicated). */
  set: Record<string, string | number | string[]>;
  /** Keys to remove (the input had null or an empty value). */
  unset: string[];
};

type Definition = Pick<AttributeDefinitionRow, 'key' | 'label' | 'type' | 'options' | 'is_required'>;

/**
 * Checks custom attribute values against the definitions. `partial` (PATCH) checks only the keys
 * given; otherwise (create) a required attribute must be present. Every problem names its field
 * (`attributes.<key>`); all of them are reported at once.
 */
export function validateAttributes(
  defs: readonly Definition[],
  input: Record<string, unknown>,
  opts: { partial: boolean },
): AttributeChanges {
  const { changes, problems } = checkAttributes(defs, input, opts);
  if (problems.length) throw fieldErrors(problems);
  return changes;
}

/** `validateAttributes` that returns its problems instead of throwing them (to report them with others). */
export function checkAttributes(
  defs: readonly Definition[],
  input: Record<string, unknown>,
  opts: { partial: boolean },
): { changes: AttributeChanges; problems: DomainError[] } {
  const byKey = new Map(defs.map((d) => [d.key, d]));
  const problems: DomainError[] = [];
  const out: AttributeChanges = { set: {}, unset: [] };
  const clear = (key: string, def: (typeof defs)[number]) => {
    if (def.is_required) problems.push(errors.attributeRequired(key, def.label));
    else out.unset.push(key);
  };

  for (const [key, raw] of Object.entries(input)) {
    const def = byKey.get(key);
    if (!def) {
      problems.push(errors.attributeUnknown(key));
      continue;
    }
    if (raw === null || raw === undefined) {
      clear(key, def);
      continue;
    }
    const choices = new Set(def.options.map((o) => o.value));
    switch (def.type) {
      case 'text': {
        if (typeof raw !== 'string' || raw.length > maxTextAttributeLength) {
          problems.push(errors.attributeInvalidText(key, def.label, maxTextAttributeLength));
        } else if (raw.trim() === '') clear(key, def);
        else out.set[key] = raw.trim();
        break;
      }
      case 'number': {
        const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
        if (!Number.isFinite(n) || Math.abs(n) > 1e15) problems.push(errors.attributeInvalidNumber(key, def.label));
        else out.set[key] = n;
        break;
      }
      case 'date': {
        if (typeof raw !== 'string' || !isCalendarDate(raw)) problems.push(errors.attributeInvalidDate(key, def.label));
        else out.set[key] = raw;
        break;
      }
      case 'choice': {
        if (typeof raw !== 'string' || !choices.has(raw)) {
          problems.push(errors.attributeInvalidChoice(key, def.label, String(raw).slice(0, 100)));
        } else out.set[key] = raw;
        break;
      }
      case 'multi_choice': {
        const values = Array.isArray(raw) ? (raw as unknown[]) : [raw];
        const wrong = values.find((v) => typeof v !== 'string' || !choices.has(v));
        if (wrong !== undefined) {
          problems.push(errors.attributeInvalidChoice(key, def.label, String(wrong).slice(0, 100)));
        } else if (values.length === 0) clear(key, def);
        else out.set[key] = [...new Set(values as string[])];
        break;
      }
    }
  }
  if (!opts.partial) {
    for (const def of defs) {
      if (def.is_required && !(def.key in input)) problems.push(errors.attributeRequired(def.key, def.label));
    }
  }
  return { changes: out, problems };
}

function checkOptions(
  type: AttributeType,
  options: { value: string; label: string }[],
): AttributeDefinitionRow['options'] {
  if (!isChoice(type)) return [];
  if (options.length === 0) throw errors.attributeOptionsRequired();
  const seen = new Set<string>();
  for (const o of options) {
    if (seen.has(o.value)) throw errors.attributeOptionDuplicate(o.value);
    seen.add(o.value);
  }
  return options.map((o) => ({ value: o.value, label: o.label }));
}

export type AttributesService = ReturnType<typeof createAttributesService>;

export function createAttributesService(ctx: Pick<CustomersContext, 'db' | 'audit' | 'now'>) {
  const { db, audit, now } = ctx;

  async function get(id: string): Promise<AttributeDefinitionRow> {
    const row = await repo.findDefinition(db, id);
    if (!row) throw errors.attributeNotFound();
    return row;
  }

  return {
    async list(): Promise<AttributeDefinition[]> {
      return (await repo.listDefinitions(db)).map(toAttributeDefinition);
    },

    async create(request: FastifyRequest, input: CreateAttributeInput): Promise<AttributeDefinition> {
      const options = checkOptions(input.type, input.options ?? []);
      const row = await db.transaction(async (tx) => {
        const inserted = await repo.insertDefinition(
          tx,
          {
            key: input.key,
            label: input.label,
            description: input.description ?? null,
            type: input.type,
            options,
            is_required: input.isRequired ?? false,
            sort_order: input.sortOrder ?? 0,
          },
          now(),
        );
        if (!inserted) throw errors.attributeKeyTaken(input.key);
        await audit.recordRequest(
          request,
          {
            action: 'customer_attribute.created',
            entityType: 'customer_attribute',
            entityId: inserted.id,
            details: { key: inserted.key, type: inserted.type },
          },
          tx,
        );
        return inserted;
      });
      return toAttributeDefinition(row);
    },

    async update(request: FastifyRequest, id: string, input: UpdateAttributeInput): Promise<AttributeDefinition> {
      const current = await get(id);
      const next = {
        label: input.label ?? current.label,
        description: input.description === undefined ? current.description : input.description,
        options: input.options === undefined ? current.options : checkOptions(current.type, input.options),
        is_required: input.isRequired ?? current.is_required,
        sort_order: input.sortOrder ?? current.sort_order,
      };
      await db.transaction(async (tx) => {
        await repo.updateDefinition(tx, id, next, now());
        await audit.recordRequest(
          request,
          {
            action: 'customer_attribute.updated',
            entityType: 'customer_attribute',
            entityId: id,
            details: { key: current.key, fields: Object.keys(input) },
          },
          tx,
        );
      });
      return toAttributeDefinition({ ...current, ...next });
    },

    /** Deletes the definition and the values customers hold for it. */
    async delete(request: FastifyRequest, id: string): Promise<void> {
      const current = await get(id);
      await db.transaction(async (tx) => {
        const customers = await repo.deleteDefinition(tx, id, current.key);
        await audit.recordRequest(
          request,
          {
            action: 'customer_attribute.deleted',
            entityType: 'customer_attribute',
            entityId: id,
            details: { key: current.key, customers },
          },
          tx,
        );
      });
    },
  };
}
