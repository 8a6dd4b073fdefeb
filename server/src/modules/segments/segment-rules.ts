import type { SQL } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/db.ts';
import { consentChannels, consentPurposes } from '../customers/index.ts';
import { compileSegmentRule, type CompileEnv } from './domain/compile.ts';
import { dayIn } from './domain/dates.ts';
import {
  attributeField,
  catalogueOf,
  consentFields,
  staticFields,
  type AttributeType,
  type FieldCatalogue,
  type FieldDef,
} from './domain/fields.ts';
import { segmentRefsOf, validateRule, type SegmentRule } from './domain/rule.ts';
import { segmentsErrors } from './segments.errors.ts';
import { segmentsRepository as repo } from './segments.repository.ts';
import type { SegmentsContext } from './segments.context.ts';

const attributeTypes = new Set<AttributeType>(['text', 'number', 'date', 'choice', 'multi_choice']);

/** The catalogue of this business: the fixed fields, its custom attributes and consent states. */
export async function fieldsOf(ctx: Pick<SegmentsContext, 'customers'>, q: Queryable): Promise<FieldDef[]> {
  const attributes = (await ctx.customers.attributeDefinitions(q))
    .filter((d) => attributeTypes.has(d.type as AttributeType))
    .map((d) => attributeField({ ...d, type: d.type as AttributeType }));
  return [...staticFields, ...attributes, ...consentFields(consentPurposes, consentChannels)];
}

/**
 * Validates a rule from outside (a request body, a scoring setting): 422 naming each problem's
 * path under `path`. `selfId` is the segment being saved, for cycle checks.
 */
export async function checkRule(
  ctx: Pick<SegmentsContext, 'customers'>,
  q: Queryable,
  rules: unknown,
  opts: { selfId?: string; path?: string; fields?: FieldCatalogue } = {},
): Promise<SegmentRule> {
  const fields = opts.fields ?? catalogueOf(await fieldsOf(ctx, q));
  const segmentRefs = new Map((await repo.rules(q)).map((s) => [s.id, segmentRefsOf(s.rule)]));
  const v = validateRule(rules, { fields, segmentRefs, selfId: opts.selfId }, opts.path ?? 'rules');
  if (!v.ok) throw segmentsErrors.ruleInvalid(v.issues);
  return v.rule;
}

export async function compileEnvOf(
  ctx: Pick<SegmentsContext, 'customers' | 'timeZone' | 'now'>,
  q: Queryable,
): Promise<CompileEnv> {
  const timeZone = await ctx.timeZone();
  return { fields: catalogueOf(await fieldsOf(ctx, q)), today: dayIn(timeZone, ctx.now()), timeZone };
}

/**
 * A stored rule → its predicate. Checked again: what was valid when saved may not be now (a
 * custom attribute deleted since). Reads settings over `db`: outside a PGlite transaction.
 */
export async function compileStored(
  ctx: Pick<SegmentsContext, 'customers' | 'timeZone' | 'now'>,
  q: Queryable,
  rule: unknown,
): Promise<SQL> {
  const env = await compileEnvOf(ctx, q);
  const segmentRefs = new Map((await repo.rules(q)).map((s) => [s.id, segmentRefsOf(s.rule)]));
  const v = validateRule(rule, { fields: env.fields, segmentRefs });
  if (!v.ok) throw segmentsErrors.ruleInvalid(v.issues);
  return compileSegmentRule(v.rule, env);
}

/** Checks a rule from outside and compiles it, reading the catalogue once (previews, the face). */
export async function checkAndCompile(
  ctx: Pick<SegmentsContext, 'customers' | 'timeZone' | 'now'>,
  q: Queryable,
  rules: unknown,
  path?: string,
): Promise<SQL> {
  const env = await compileEnvOf(ctx, q);
  return compileSegmentRule(await checkRule(ctx, q, rules, { path, fields: env.fields }), env);
}
