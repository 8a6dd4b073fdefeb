/**
 * The segment rule format v1 (docs/api/segment-rules.md) as the editor sees it, and the pure
 * helpers the editor needs: walking groups, defaults for a new condition, and mapping the
 * server's error paths (`rules.and[0].or[1].value`) back onto the node they name.
 */

export type RuleWindow = { lastDays: number } | { from: string; to: string } | { sinceFirstOrder: true };

export type RuleCondition = {
  field: string;
  op: string;
  value?: unknown;
  args?: Record<string, unknown>;
  window?: RuleWindow;
};

export type RuleGroup = { and: RuleNode[] } | { or: RuleNode[] };
export type RuleNot = { not: RuleNode };
export type RuleNode = RuleGroup | RuleNot | RuleCondition;
export type RuleRoot = { version: 1 } & RuleGroup;

export type GroupOp = 'and' | 'or';

export type FieldType = 'number' | 'money' | 'date' | 'text' | 'enum' | 'tags' | 'bool' | 'segment';
export type FieldGroup = 'profile' | 'tags' | 'attributes' | 'orders' | 'events' | 'scores' | 'segments';
export type ArgType = 'products' | 'categories' | 'stores' | 'event' | 'text';

/** One entry of GET /segments/fields: what a condition may test and how. */
export type RuleField = {
  key: string;
  group: FieldGroup;
  label: string;
  type: FieldType;
  ops: string[];
  options?: { value: string; label: string }[] | null;
  windowed: boolean;
  args?: { name: string; type: ArgType; label?: string; required?: boolean }[] | null;
};

export const fieldGroups: FieldGroup[] = ['profile', 'tags', 'attributes', 'orders', 'events', 'scores', 'segments'];

/** A node path: the (group op, index) steps from the root; `not` wrappers are not steps. */
export type NodePath = string;
export const rootPath: NodePath = '';
export const childPath = (parent: NodePath, op: GroupOp, index: number): NodePath =>
  `${parent ? `${parent}.` : ''}${op}[${index}]`;

export const emptyRule = (): RuleRoot => ({ version: 1, and: [] });

export const isGroup = (n: RuleNode): n is RuleGroup => 'and' in n || 'or' in n;
export const isNot = (n: RuleNode): n is RuleNot => 'not' in n;
export const groupOp = (g: RuleGroup): GroupOp => ('and' in g ? 'and' : 'or');
export const childrenOf = (g: RuleGroup): RuleNode[] => ('and' in g ? g.and : g.or);
export const makeGroup = (op: GroupOp, children: RuleNode[]): RuleGroup =>
  op === 'and' ? { and: children } : { or: children };

/** A node and whether it is negated (`{ not: … }` around it). */
export function unwrap(n: RuleNode): { negated: boolean; inner: RuleGroup | RuleCondition } {
  let negated = false;
  let inner = n;
  while (isNot(inner)) {
    negated = !negated;
    inner = inner.not;
  }
  return { negated, inner: inner as RuleGroup | RuleCondition };
}
export const wrap = (negated: boolean, inner: RuleNode): RuleNode => (negated ? { not: inner } : inner);

/** Operators whose value is a number of days. */
export const dayOps = new Set(['withinLastDays', 'moreThanDaysAgo']);
const noValueOps = new Set(['isSet', 'notSet']);
const listOps = new Set(['in', 'notIn', 'hasAny', 'hasAll', 'hasNone']);

/** The value a condition starts with when its field or operator changes. */
export function defaultValue(field: RuleField | undefined, op: string): unknown {
  if (!field || noValueOps.has(op)) return undefined;
  if (op === 'between') return [null, null];
  if (listOps.has(op) || field.type === 'segment') return [];
  if (op === 'withinLastDays' || op === 'moreThanDaysAgo') return 30;
  if (field.args?.length && !listOps.has(op)) return 1;
  if (field.type === 'bool') return true;
  return undefined;
}

export function newCondition(field?: RuleField): RuleCondition {
  if (!field) return { field: '', op: '' };
  // behaviour starts as "at least once" (bought X at least 1 time), the question usually asked
  const op =
    (field.group === 'orders' || field.group === 'events') && field.ops.includes('gte') ? 'gte' : (field.ops[0] ?? '');
  const value = defaultValue(field, op);
  return { field: field.key, op, ...(value !== undefined ? { value } : {}) };
}

export const needsValue = (op: string) => !noValueOps.has(op);

const filled = (v: unknown): boolean => {
  if (v === undefined || v === null || v === '') return false;
  if (Array.isArray(v)) return v.length > 0 && v.every(filled);
  return true;
};

/**
 * Whether every condition is filled in enough to be worth counting: a half-made condition would
 * only earn a 422 on every keystroke. The server still judges the rule in full on save.
 */
export function isComplete(n: RuleNode, fields?: RuleField[]): boolean {
  const { inner } = unwrap(n);
  if (isGroup(inner)) return childrenOf(inner).every((c) => isComplete(c, fields));
  if (!inner.field || !inner.op) return false;
  if (needsValue(inner.op) && !filled(inner.value)) return false;
  // a required argument not chosen yet (which products?) is still being filled in
  const args = fields?.find((f) => f.key === inner.field)?.args ?? [];
  return args.every((a) => a.required === false || filled(inner.args?.[a.name]));
}

/** How many conditions the rule holds (the size limit counts these). */
export function countConditions(n: RuleNode): number {
  const { inner } = unwrap(n);
  return isGroup(inner) ? childrenOf(inner).reduce((s, c) => s + countConditions(c), 0) : 1;
}

/** Per node, each problem and the part of the node it names (`field`, `op`, `value`, `args.productIds`, …). */
export type NodeError = { message: string; part: string };
export type NodeErrors = Map<NodePath, NodeError[]>;

/**
 * Maps server field errors (`rules.or[2].and[0].value`) to the node they name: the path's
 * `and[i]`/`or[i]` steps pick the node, `not` is looked through, and whatever follows
 * (`value`, `args.productIds`, …) is the part of that node at fault.
 */
export function errorsByNode(fields: { field: string; message: string }[], prefix = 'rules'): NodeErrors {
  const out: NodeErrors = new Map();
  for (const f of fields) {
    if (f.field !== prefix && !f.field.startsWith(`${prefix}.`) && !f.field.startsWith(`${prefix}[`)) continue;
    const rest = f.field.slice(prefix.length).replace(/^\./, '');
    const steps: string[] = [];
    const segs = rest.split('.').filter(Boolean);
    let i = 0;
    for (; i < segs.length; i++) {
      const m = /^(and|or)\[(\d+)\]$/.exec(segs[i]);
      if (m) steps.push(`${m[1]}[${m[2]}]`);
      else if (segs[i] !== 'not') break;
    }
    const key = steps.join('.');
    out.set(key, [...(out.get(key) ?? []), { message: f.message, part: segs.slice(i).join('.') }]);
  }
  return out;
}

/**
 * A rule received as opaque JSON (the OpenAPI document types rules as `unknown`/records) as the
 * editor's type; anything that is not a v1 root group becomes an empty rule.
 */
export function asRuleRoot(v: unknown): RuleRoot {
  if (typeof v !== 'object' || v === null) return emptyRule();
  const r = v as Record<string, unknown>;
  if (r.version !== 1 || !(Array.isArray(r.and) || Array.isArray(r.or))) return emptyRule();
  return r as unknown as RuleRoot;
}
