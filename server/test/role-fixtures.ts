import { randomUUID } from 'node:crypto';
import type { Kehu } from '../src/start.ts';
import type { Queryable } from '../src/platform/db/db.ts';
import { signIn, type Session } from './auth-fixtures.ts';

/**
 * A signed-in user holding one built-in role (`read_only`, `service_agent`…) or a custom role
 * with exactly `permissions`. `admin` must have signed in within the re-authentication window.
 */
export async function signInWith(
  kehu: Pick<Kehu, 'app'>,
  admin: Session,
  email: string,
  role: { key: string } | { permissions: string[] },
): Promise<Session> {
  let roleId: string;
  if ('key' in role) {
    const roles = (await admin.call('GET', '/roles')).json().items as { id: string; key: string | null }[];
    const found = roles.find((r) => r.key === role.key);
    if (!found) throw new Error(`no built-in role ${role.key}`);
    roleId = found.id;
  } else {
    const res = await admin.call('POST', '/roles', { name: `role for ${email}`, permissions: role.permissions });
    if (res.statusCode !== 201) throw new Error(`role: ${res.statusCode} ${res.body}`);
    roleId = res.json().id;
  }
  const password = 'fixture password 12345';
  const user = await admin.call('POST', '/users', { name: email.split('@')[0], email, password, roleIds: [roleId] });
  if (user.statusCode !== 201) throw new Error(`user: ${user.statusCode} ${user.body}`);
  return signIn(kehu, email, password);
}

/** A bare customer row with its stats row, for tests that do not exercise the profile API. */
export async function insertCustomer(
  db: Queryable,
  name: string,
  fields: { touchpointId?: string; tags?: string[] } = {},
): Promise<string> {
  const id = randomUUID();
  await db.query('insert into customers (id, name, touchpoint_id, tags) values ($1, $2, $3, $4::text[])', [
    id,
    name,
    fields.touchpointId ?? null,
    fields.tags ?? [],
  ]);
  await db.query('insert into customer_stats (customer_id) values ($1)', [id]);
  return id;
}
