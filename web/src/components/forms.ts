import type { FormInstance } from 'antd';
import { isApiError } from '../api/client';

/**
 * Puts the server's field errors under the matching form fields (`fieldNames` are the fields
 * the form shows; `stripPrefix` drops a nesting such as `smtp.`). Returns the message to show
 * at the top of the form, or null when every problem landed on a field.
 */
export function applyServerErrors(
  form: FormInstance,
  err: unknown,
  fieldNames: string[],
  stripPrefix = '',
): string | null {
  if (!isApiError(err)) return err instanceof Error ? err.message : String(err);
  const known = new Set(fieldNames);
  const nameOf = (field: string) =>
    (stripPrefix && field.startsWith(stripPrefix) ? field.slice(stripPrefix.length) : field).split('.')[0];
  const onFields = err.fields.filter((f) => known.has(nameOf(f.field)));
  form.setFields(onFields.map((f) => ({ name: nameOf(f.field), errors: [f.message] })));
  if (onFields.length && onFields.length === err.fields.length) return null;
  return err.message;
}
