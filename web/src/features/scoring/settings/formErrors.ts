import type { FormInstance } from 'antd';
import { isApiError } from '../../../api/client';

/** `thresholds.r[0]` → ['thresholds', 'r', 0]: a server field path as an antd form name. */
export const namePath = (field: string): (string | number)[] =>
  field
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter(Boolean)
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));

/**
 * Puts a settings save's 422 field errors under the form's fields (the PUT body is the form's
 * value, so paths match). Returns the message for the top of the form when some error has no
 * field to sit under, else null.
 */
export function showSettingsErrors(form: FormInstance, err: unknown, known: (field: string) => boolean): string | null {
  if (!isApiError(err)) return err instanceof Error ? err.message : String(err);
  const onFields = err.fields.filter((f) => known(f.field));
  form.setFields(onFields.map((f) => ({ name: namePath(f.field), errors: [f.message] })));
  if (onFields.length && onFields.length === err.fields.length) return null;
  const rest = err.fields.filter((f) => !known(f.field));
  return rest.length ? rest.map((f) => f.message).join('; ') : err.message;
}
