import { z } from 'zod';
import type { TFunction } from 'i18next';

// Missing fields say "required" instead of zod's "expected string, received undefined".
z.config({
  customError: (iss) => (iss.code === 'invalid_type' && iss.input === undefined ? 'required' : undefined),
});

export type FieldError = { field: string; code: string; message: string };

type Issue = { keyword: string; instancePath: string; message?: string; params?: Record<string, unknown> };

function fieldName(path: string): string {
  return path.replace(/^\//, '').split('/').filter(Boolean).join('.');
}

function label(t: TFunction, field: string): string {
  const last =
    field
      .split('.')
      .filter((p) => !/^\d+$/.test(p))
      .pop() ?? field;
  const key = `fields.${last}`;
  const text = t(key);
  return text === key ? field || '—' : text;
}

/**
 * Turns the zod issues fastify-type-provider-zod reports into `{ field, code, message }` in the
 * reader's language. Custom refinements put a `validation.*` key in their message
 * (`z.string().refine(isMobile, 'invalid_mobile')`), which is translated the same way.
 */
export function translateIssues(issues: Issue[], t: TFunction, prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of issues) {
    const p = issue.params ?? {};
    const path = fieldName(issue.instancePath);
    const field = prefix && path ? `${prefix}.${path}` : path || prefix;
    const name = label(t, field);
    const origin = String(p.origin ?? 'string');
    const kind = origin === 'array' || origin === 'set' ? 'array' : origin === 'string' ? 'string' : 'number';
    switch (issue.keyword) {
      case 'unrecognized_keys':
        for (const key of (p.keys as string[]) ?? []) {
          const f = field ? `${field}.${key}` : key;
          out.push({ field: f, code: 'unknown_field', message: t('validation.unrecognized_keys', { field: f }) });
        }
        break;
      case 'invalid_type':
        if (issue.message === 'required') {
          out.push({ field, code: 'required', message: t('validation.required', { field: name }) });
        } else {
          const expected = t(`types.${String(p.expected)}`, { defaultValue: String(p.expected) });
          out.push({ field, code: 'invalid_type', message: t('validation.invalid_type', { field: name, expected }) });
        }
        break;
      case 'too_small':
        out.push({
          field,
          code: 'too_small',
          message: t(`validation.too_small_${kind}`, { field: name, minimum: p.minimum }),
        });
        break;
      case 'too_big':
        out.push({
          field,
          code: 'too_big',
          message: t(`validation.too_big_${kind}`, { field: name, maximum: p.maximum }),
        });
        break;
      case 'invalid_format': {
        const format = t(`formats.${String(p.format)}`, { defaultValue: String(p.format) });
        out.push({ field, code: 'invalid_format', message: t('validation.invalid_format', { field: name, format }) });
        break;
      }
      case 'invalid_value': {
        const values = ((p.values as unknown[]) ?? []).map(String).join(', ');
        out.push({ field, code: 'invalid_value', message: t('validation.invalid_value', { field: name, values }) });
        break;
      }
      default: {
        const key = issue.message && /^[a-z_]+$/.test(issue.message) ? issue.message : 'invalid';
        const message =
          t(`validation.${key}`, { field: name, defaultValue: '' }) || t('validation.invalid', { field: name });
        out.push({ field, code: key, message });
      }
    }
  }
  return out;
}
