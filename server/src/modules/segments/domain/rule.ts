import { z } from 'zod';
import type { FieldCatalogue, FieldDef, Op } from './fields.ts';

/**
 * Segment rule format v1 (docs/api/segment-rules.md). A rule is a tree of AND/OR/NOT groups over
 * conditions on catalogued fields. `validateRule` checks a tree received from outside and returns
 * it normalised (money as decimal strings) or every problem with its path inside the rule
 * (`rules.or[2].and[0].value`), so the compiler only ever sees a whitelisted tree.
 */

export type RuleWindow = { lastDays: number } | { from: string; to: string } | { sinceFirstOrder: true };
export type RelativeDate = string | { lastDays: number };
export type Condition = {
  field: string;
  op: Op;
  value?: unknown;
  args?: Record<string, unknown>;
  window?: RuleWindow;
};
export type RuleNode = { and: RuleNode[] } | { or: RuleNode[] } | { not: RuleNode } | Condition;
export type SegmentRule = { version: 1 } & ({ and: RuleNode[] } | { or: RuleNode[] });

/** The rule as the API documents it (OpenAPI); the real check is `validateRule`, which names paths. */
export const SegmentRuleBody = z
  .looseObject({ version: z.literal(1) })
  .describe('Segment rule v1: { version: 1, and|or: [node…] }; node = group | { not } | condition');

export const MAX_DEPTH = 10;
export const MAX_CONDITIONS = 200;
const MAX_LIST = 200;
const MAX_DAYS = 36500;

export type RuleIssue = { field: string; code: RuleIssueCode; params?: Record<string, string | number> };
export type RuleIssueCode =
  | 'SEGMENT_RULE_BAD_VERSION'
  | 'SEGMENT_RULE_BAD_NODE'
  | 'SEGMENT_RULE_UNKNOWN_FIELD'
  | 'SEGMENT_RULE_BAD_OP'
  | 'SEGMENT_RULE_BAD_VALUE'
  | 'SEGMENT_RULE_BAD_ARGS'
  | 'SEGMENT_RULE_BAD_WINDOW'
  | 'SEGMENT_RULE_TOO_DEEP'
  | 'SEGMENT_RULE_TOO_LARGE'
  | 'SEGMENT_RULE_UNKNOWN_SEGMENT'
  | 'SEGMENT_RULE_CYCLE';

export type ValidationContext = {
  fields: FieldCatalogue;
  /** Known segments and the segment ids their rules refer to (for unknown ids and cycles). */
  segmentRefs: ReadonlyMap<string, readonly string[]>;
  /** The segment being saved (a reference back to it, directly or through others, is a cycle). */
  selfId?: string;
};

export type ValidationResult = { ok: true; rule: SegmentRule } | { ok: false; issues: RuleIssue[] };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MONEY = /^-?\d{1,12}(\.\d{1,2})?$/;

export function isIsoDate(v: unknown): v is string {
  if (typeof v !== 'string' || !DATE.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}
const isDays = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= MAX_DAYS;
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && Math.abs(v) < 1e12;

/** Money as a decimal string with at most 2 decimals, or null when not money. */
function moneyOf(v: unknown): string | null {
  if (typeof v === 'number') {
    if (!isNumber(v) || Math.round(v * 100) !== v * 100) return null;
    return String(v);
  }
  if (typeof v === 'string' && MONEY.test(v)) return v;
  return null;
}

function relativeDateOf(v: unknown): RelativeDate | null {
  if (isIsoDate(v)) return v;
  if (isObject(v) && Object.keys(v).length === 1 && isDays(v.lastDays)) return { lastDays: v.lastDays };
  return null;
}

const stringList = (v: unknown, max = 200): v is string[] =>
  Array.isArray(v) &&
  v.length >= 1 &&
  v.length <= MAX_LIST &&
  v.every((x) => typeof x === 'string' && x.length >= 1 && x.length <= max);

/** The value normalised for the field's type and operator, or undefined when it is wrong. */
function valueFor(def: FieldDef, op: Op, value: unknown): { value?: unknown } | undefined {
  if (op === 'isSet' || op === 'notSet') return value === undefined || value === null ? {} : undefined;
  switch (def.type) {
    case 'number':
    case 'money': {
      const one = (v: unknown): string | number | null => (def.type === 'money' ? moneyOf(v) : isNumber(v) ? v : null);
      if (op === 'between') {
        if (!Array.isArray(value) || value.length !== 2) return undefined;
        const [a, b] = value.map(one);
        if (a === null || b === null || Number(a) > Number(b)) return undefined;
        return { value: [a, b] };
      }
      const v = one(value);
      return v === null ? undefined : { value: v };
    }
    case 'date': {
      if (op === 'withinLastDays' || op === 'moreThanDaysAgo') return isDays(value) ? { value } : undefined;
      if (op === 'between') {
        if (!Array.isArray(value) || value.length !== 2) return undefined;
        const [a, b] = value.map(relativeDateOf);
        if (a === null || b === null) return undefined;
        if (typeof a === 'string' && typeof b === 'string' && a > b) return undefined;
        return { value: [a, b] };
      }
      const d = relativeDateOf(value);
      return d === null ? undefined : { value: d };
    }
    case 'text':
      if (op === 'in' || op === 'notIn') return stringList(value) ? { value: [...new Set(value)] } : undefined;
      return typeof value === 'string' && value.length >= 1 && value.length <= 200 ? { value } : undefined;
    case 'enum':
    case 'segment': {
      if (!stringList(value)) return undefined;
      if (def.type === 'segment' || def.idValues) return value.every((v) => UUID.test(v)) ? { value } : undefined;
      const allowed = new Set(def.options?.map((o) => o.value) ?? []);
      return value.every((v) => allowed.has(v)) ? { value: [...new Set(value)] } : undefined;
    }
    case 'tags':
      return stringList(value, 100) ? { value: [...new Set(value)] } : undefined;
    case 'bool':
      return typeof value === 'boolean' ? { value } : undefined;
  }
}

function argsFor(def: FieldDef, args: unknown): Record<string, unknown> | string {
  const defs = def.args ?? [];
  if (args === undefined && defs.length === 0) return {};
  if (!isObject(args)) return 'args';
  for (const name of Object.keys(args)) if (!defs.some((d) => d.name === name)) return `args.${name}`;
  const out: Record<string, unknown> = {};
  for (const d of defs) {
    const v = args[d.name];
    if (v === undefined) {
      if (d.required) return `args.${d.name}`;
      continue;
    }
    const ok =
      d.type === 'event'
        ? typeof v === 'string' && v.length >= 1 && v.length <= 200
        : d.type === 'text' && d.name === 'urlContains'
          ? typeof v === 'string' && v.length >= 1 && v.length <= 500
          : d.type === 'text'
            ? stringList(v)
            : Array.isArray(v) &&
              v.length >= 1 &&
              v.length <= MAX_LIST &&
              v.every((x) => typeof x === 'string' && UUID.test(x));
    if (!ok) return `args.${d.name}`;
    out[d.name] = Array.isArray(v) ? [...new Set(v as string[])] : v;
  }
  return out;
}

function windowOf(w: unknown): RuleWindow | null {
  if (!isObject(w)) return null;
  const keys = Object.keys(w).sort().join(',');
  if (keys === 'lastDays' && isDays(w.lastDays)) return { lastDays: w.lastDays };
  if (keys === 'from,to' && isIsoDate(w.from) && isIsoDate(w.to) && w.from <= w.to) return { from: w.from, to: w.to };
  if (keys === 'sinceFirstOrder' && w.sinceFirstOrder === true) return { sinceFirstOrder: true };
  return null;
}

/** The segment ids a rule refers to through `segment.memberOf`. */
export function segmentRefsOf(rule: unknown): string[] {
  const out = new Set<string>();
  const walk = (n: unknown, depth: number) => {
    if (!isObject(n) || depth > MAX_DEPTH + 1) return;
    for (const k of ['and', 'or'] as const) if (Array.isArray(n[k])) for (const c of n[k]) walk(c, depth + 1);
    if (n.not !== undefined) walk(n.not, depth + 1);
    if (n.field === 'segment.memberOf' && Array.isArray(n.value))
      for (const v of n.value) if (typeof v === 'string') out.add(v);
  };
  walk(rule, 0);
  return [...out];
}

/** True when following memberOf references from `start` leads back to `selfId`. */
function reaches(start: string, selfId: string, refs: ReadonlyMap<string, readonly string[]>): boolean {
  const seen = new Set<string>();
  const stack = [start];
  while (stack.length) {
    const id = stack.pop()!;
    if (id === selfId) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(refs.get(id) ?? []));
  }
  return false;
}

export function validateRule(input: unknown, ctx: ValidationContext, path = 'rules'): ValidationResult {
  const issues: RuleIssue[] = [];
  let conditions = 0;
  const issue = (field: string, code: RuleIssueCode, params?: RuleIssue['params']) => {
    if (issues.length < 50) issues.push({ field, code, params });
  };

  const group = (n: Record<string, unknown>, at: string, depth: number): RuleNode | null => {
    const kind = 'and' in n ? 'and' : 'or';
    const list = n[kind];
    if (!Array.isArray(list) || list.length > MAX_CONDITIONS) {
      issue(`${at}.${kind}`, 'SEGMENT_RULE_BAD_NODE');
      return null;
    }
    const children = list.map((c, i) => node(c, `${at}.${kind}[${i}]`, depth + 1));
    return children.every((c) => c !== null) ? ({ [kind]: children } as RuleNode) : null;
  };

  function node(n: unknown, at: string, depth: number): RuleNode | null {
    if (depth > MAX_DEPTH) {
      issue(at, 'SEGMENT_RULE_TOO_DEEP', { max: MAX_DEPTH });
      return null;
    }
    if (!isObject(n)) {
      issue(at, 'SEGMENT_RULE_BAD_NODE');
      return null;
    }
    const keys = Object.keys(n);
    if (keys.length === 1 && (keys[0] === 'and' || keys[0] === 'or')) return group(n, at, depth);
    if (keys.length === 1 && keys[0] === 'not') {
      const inner = node(n.not, `${at}.not`, depth + 1);
      return inner ? { not: inner } : null;
    }
    if (!('field' in n)) {
      issue(at, 'SEGMENT_RULE_BAD_NODE');
      return null;
    }
    return condition(n, at);
  }

  function condition(n: Record<string, unknown>, at: string): Condition | null {
    conditions++;
    const extra = Object.keys(n).find((k) => !['field', 'op', 'value', 'args', 'window'].includes(k));
    if (extra) {
      issue(`${at}.${extra}`, 'SEGMENT_RULE_BAD_NODE');
      return null;
    }
    const def = typeof n.field === 'string' ? ctx.fields.get(n.field) : undefined;
    if (!def) {
      issue(`${at}.field`, 'SEGMENT_RULE_UNKNOWN_FIELD', { field: String(n.field).slice(0, 100) });
      return null;
    }
    const op = n.op as Op;
    if (typeof n.op !== 'string' || !def.ops.includes(op)) {
      issue(`${at}.op`, 'SEGMENT_RULE_BAD_OP', { op: String(n.op).slice(0, 40), ops: def.ops.join(', ') });
      return null;
    }
    const v = valueFor(def, op, n.value);
    if (!v) {
      issue(`${at}.value`, 'SEGMENT_RULE_BAD_VALUE', { type: def.type, op });
      return null;
    }
    const args = argsFor(def, n.args);
    if (typeof args === 'string') {
      issue(`${at}.${args}`, 'SEGMENT_RULE_BAD_ARGS');
      return null;
    }
    let window: RuleWindow | undefined;
    if (n.window !== undefined) {
      const w = def.windowed ? windowOf(n.window) : null;
      if (!w) {
        issue(`${at}.window`, 'SEGMENT_RULE_BAD_WINDOW');
        return null;
      }
      window = w;
    }
    if (def.type === 'segment') {
      for (const [i, id] of (v.value as string[]).entries()) {
        if (!ctx.segmentRefs.has(id)) issue(`${at}.value[${i}]`, 'SEGMENT_RULE_UNKNOWN_SEGMENT', { id });
        else if (ctx.selfId && reaches(id, ctx.selfId, ctx.segmentRefs))
          issue(`${at}.value[${i}]`, 'SEGMENT_RULE_CYCLE');
      }
    }
    const out: Condition = { field: def.key, op };
    if ('value' in v) out.value = v.value;
    if (Object.keys(args).length) out.args = args;
    if (window) out.window = window;
    return out;
  }

  if (!isObject(input)) {
    issue(path, 'SEGMENT_RULE_BAD_NODE');
    return { ok: false, issues };
  }
  if (input.version !== 1) issue(`${path}.version`, 'SEGMENT_RULE_BAD_VERSION');
  const keys = Object.keys(input).filter((k) => k !== 'version');
  if (keys.length !== 1 || (keys[0] !== 'and' && keys[0] !== 'or')) {
    issue(path, 'SEGMENT_RULE_BAD_NODE');
    return { ok: false, issues };
  }
  const root = group(input, path, 0);
  if (conditions > MAX_CONDITIONS) issue(path, 'SEGMENT_RULE_TOO_LARGE', { max: MAX_CONDITIONS });
  if (issues.length || !root) return { ok: false, issues };
  return { ok: true, rule: { version: 1, ...root } as SegmentRule };
}
