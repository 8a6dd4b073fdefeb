import type { FormInstance } from 'antd';
import { isApiError } from '../api/client';

/**
 * Puts the server's field errors under the matching form fields (`fieldNames` are the fields
 * the form shows; `stripPrefix` drops a nesting such as `smtp.`). A dotted name in `fieldNames`
 * (`attributes.level`) is a nested form field (`['attributes', 'level']`) and matches exactly;
 * any other error lands on its first segment. Returns the message to show at the top of the
 * form, or null when every problem landed on a field.
 */
export function applyServerErrors(
  form: FormInstance,
  err: unknown,
  fieldNames: string[],
  stripPrefix = '',
): string | null {
  if (!isApiError(err)) return err instanceof Error ? err.message : String(err);
  const known = new Set(fieldNames);
  const pathOf = (field: string): string[] | null => {
    const name = stripPrefix && field.startsWith(stripPrefix) ? field.slice(stripPrefix.length) : field;
    if (name.includes('.') && known.has(name)) return name.split('.');
    const first = name.split('.')[0];
    return known.has(first) ? [first] : null;
  };
  const onFields = err.fields.flatMap((f) => {
    const name = pathOf(f.field);
    return name ? [{ name: name.length === 1 ? name[0] : name, errors: [f.message] }] : [];
  });
  form.setFields(onFields);
  if (onFields.length && onFields.length === err.fields.length) return null;
  return err.message;
}
