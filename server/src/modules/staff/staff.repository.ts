import type { Queryable } from '../../platform/db/db.ts';
import { pgErrorCode } from '../../platform/db/db.ts';
import { commonErrors } from '../../platform/http/errors.ts';
import { builtInRoleKeys, builtInRoles } from '../../platform/auth/permissions.ts';

/** SQL for the staff tables (users, roles, user_roles, departments), and nothing else. */

export type RoleRow = {
  id: string;
  key: string | null;
  name: string;
  description: string | null;
  permissions: string[];
  is_built_in: boolean;
  user_count: number;
};

export type UserRow = {
  id: string;
  name: string;
  email: string;
  mobile: string | null;
  locale: string | null;
  is_active: boolean;
  created_at: Date;
  updated_at: Date;
  department_id: string | null;
  department_name: string | null;
  roles: { id: string; key: string | null; name: string }[];
};

export type DepartmentRow = {
  id: string;
  name: string;
  parent_id: string | null;
  sort_order: number;
  user_count: number;
};

export type UserFilter = {
  q?: string;
  departmentId?: string;
  roleId?: string;
  active?: boolean;
  after?: { name: string; id: string };
  limit: number;
};

const userSelect = `
  SELECT u.id, u.name, u.email::text AS email, u.mobile, u.locale, u.is_active, u.created_at, u.updated_at,
         d.id AS department_id, d.name AS department_name,
         COALESCE((SELECT json_agg(json_build_object('id', r.id, 'key', r.key, 'name', r.name) ORDER BY r.name, r.id)
                     FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = u.id), '[]'::json) AS roles
    FROM users u LEFT JOIN departments d ON d.id = u.department_id`;

const roleSelect = `
  SELECT r.id, r.key, r.name, r.description, r.permissions, r.is_built_in,
         (SELECT count(*)::int FROM user_roles ur WHERE ur.role_id = r.id) AS user_count
    FROM roles r`;

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, '\\$&');
}

/** Turns a unique violation on users.email into the field error the API promises. */
async function mapUserErrors<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (pgErrorCode(err) === '23505') throw commonErrors.duplicate('email');
    throw err;
  }
}

export const staffRepository = {
  /** Inserts or refreshes the built-in roles so their permissions follow the code. */
  async seedBuiltInRoles(q: Queryable): Promise<void> {
    for (const key of builtInRoleKeys) {
      await q.query(
        `INSERT INTO roles (key, name, permissions, is_built_in) VALUES ($1, $1, $2, true)
         ON CONFLICT (key) DO UPDATE SET permissions = excluded.permissions, is_built_in = true`,
        [key, builtInRoles[key]],
      );
    }
  },

  // ── users ─────────────────────────────────────────────────────────────────────────────
  async listUsers(q: Queryable, f: UserFilter): Promise<UserRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: (n: number) => string, value: unknown) => {
      params.push(value);
      where.push(clause(params.length));
    };
    if (f.q) {
      add((n) => `(u.name ILIKE $${n} OR u.email::text ILIKE $${n} OR u.mobile ILIKE $${n})`, `%${escapeLike(f.q)}%`);
    }
    if (f.departmentId) add((n) => `u.department_id = $${n}`, f.departmentId);
    if (f.roleId)
      add((n) => `EXISTS (SELECT 1 FROM user_roles x WHERE x.user_id = u.id AND x.role_id = $${n})`, f.roleId);
    if (f.active !== undefined) add((n) => `u.is_active = $${n}`, f.active);
    if (f.after) {
      params.push(f.after.name);
      add((n) => `(u.name, u.id) > ($${n - 1}, $${n})`, f.after.id);
    }
    params.push(f.limit);
    return q.query<UserRow>(
      `${userSelect} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY u.name, u.id LIMIT $${params.length}`,
      params,
    );
  },

  /** Display names of users (active or not), for other modules showing an owner or author. */
  async namesOf(q: Queryable, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await q.query<{ id: string; name: string }>('select id, name from users where id = any($1::uuid[])', [
      [...new Set(ids)],
    ]);
    return new Map(rows.map((r) => [r.id, r.name]));
  },

  async findUser(q: Queryable, id: string): Promise<UserRow | null> {
    const [row] = await q.query<UserRow>(`${userSelect} WHERE u.id = $1`, [id]);
    return row ?? null;
  },

  async findAccountByEmail(q: Queryable, email: string) {
    const [row] = await q.query<{ id: string; password_hash: string | null; is_active: boolean }>(
      'SELECT id, password_hash, is_active FROM users WHERE email = $1',
      [email],
    );
    return row ?? null;
  },

  async findAccountById(q: Queryable, id: string) {
    const [row] = await q.query<{ id: string; password_hash: string | null; is_active: boolean }>(
      'SELECT id, password_hash, is_active FROM users WHERE id = $1',
      [id],
    );
    return row ?? null;
  },

  /** Who a user acts as: one statement per request, since every signed-in request needs it. */
  async findActorBasics(q: Queryable, id: string) {
    const [row] = await q.query<{
      id: string;
      name: string;
      locale: string | null;
      is_active: boolean;
      permissions: string[];
    }>(
      `SELECT u.id, u.name, u.locale, u.is_active,
              ARRAY(SELECT DISTINCT unnest(r.permissions) FROM user_roles ur JOIN roles r ON r.id = ur.role_id
                     WHERE ur.user_id = u.id) AS permissions
         FROM users u WHERE u.id = $1`,
      [id],
    );
    return row ?? null;
  },

  /** The union of the permissions of a user's roles. */
  async permissionsOf(q: Queryable, userId: string): Promise<string[]> {
    const rows = await q.query<{ p: string }>(
      `SELECT DISTINCT unnest(r.permissions) AS p FROM user_roles ur JOIN roles r ON r.id = ur.role_id
        WHERE ur.user_id = $1`,
      [userId],
    );
    return rows.map((r) => r.p);
  },

  async countUsers(q: Queryable): Promise<number> {
    const [row] = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
    return row.n;
  },

  /** Active holders of the built-in administrator role, leaving one user out of the count. */
  async countActiveAdministrators(q: Queryable, exceptUserId: string): Promise<number> {
    const [row] = await q.query<{ n: number }>(
      `SELECT count(DISTINCT u.id)::int AS n FROM users u
         JOIN user_roles ur ON ur.user_id = u.id JOIN roles r ON r.id = ur.role_id
        WHERE r.key = 'admin' AND u.is_active AND u.id <> $1`,
      [exceptUserId],
    );
    return row.n;
  },

  async insertUser(
    q: Queryable,
    u: {
      name: string;
      email: string;
      mobile: string | null;
      passwordHash: string;
      departmentId: string | null;
      isActive: boolean;
      at: Date;
    },
  ): Promise<string> {
    const [row] = await mapUserErrors(
      q.query<{ id: string }>(
        `INSERT INTO users (name, email, mobile, password_hash, department_id, is_active, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
        [u.name, u.email, u.mobile, u.passwordHash, u.departmentId, u.isActive, u.at],
      ),
    );
    return row.id;
  },

  async updateUser(
    q: Queryable,
    id: string,
    changes: Partial<{
      name: string;
      email: string;
      mobile: string | null;
      password_hash: string;
      department_id: string | null;
      is_active: boolean;
      locale: string | null;
    }>,
    at: Date,
  ): Promise<void> {
    const entries = Object.entries(changes).filter(([, v]) => v !== undefined);
    if (!entries.length) return;
    // Column names come from the typed keys above, never from the request.
    const sets = entries.map(([k], i) => `${k} = $${i + 2}`);
    await mapUserErrors(
      q.query(`UPDATE users SET ${sets.join(', ')}, updated_at = $${entries.length + 2} WHERE id = $1`, [
        id,
        ...entries.map(([, v]) => v),
        at,
      ]),
    );
  },

  async setUserRoles(q: Queryable, userId: string, roleIds: string[]): Promise<void> {
    await q.query('DELETE FROM user_roles WHERE user_id = $1', [userId]);
    for (const roleId of roleIds) {
      await q.query('INSERT INTO user_roles (user_id, role_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
        userId,
        roleId,
      ]);
    }
  },

  async addRoleByKey(q: Queryable, userId: string, key: string): Promise<void> {
    await q.query(
      `INSERT INTO user_roles (user_id, role_id) SELECT $1, id FROM roles WHERE key = $2 ON CONFLICT DO NOTHING`,
      [userId, key],
    );
  },

  // ── roles ─────────────────────────────────────────────────────────────────────────────
  listRoles: (q: Queryable) =>
    q.query<RoleRow>(`${roleSelect} ORDER BY r.is_built_in DESC, r.created_at, r.name, r.id`),

  async findRole(q: Queryable, id: string): Promise<RoleRow | null> {
    const [row] = await q.query<RoleRow>(`${roleSelect} WHERE r.id = $1`, [id]);
    return row ?? null;
  },

  findRoles: (q: Queryable, ids: string[]) => q.query<RoleRow>(`${roleSelect} WHERE r.id = ANY($1::uuid[])`, [ids]),

  async insertRole(
    q: Queryable,
    r: { name: string; description: string | null; permissions: string[]; at: Date },
  ): Promise<string> {
    const [row] = await q.query<{ id: string }>(
      `INSERT INTO roles (name, description, permissions, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id`,
      [r.name, r.description, r.permissions, r.at],
    );
    return row.id;
  },

  async updateRole(
    q: Queryable,
    id: string,
    r: { name: string; description: string | null; permissions: string[]; at: Date },
  ): Promise<void> {
    await q.query('UPDATE roles SET name = $2, description = $3, permissions = $4, updated_at = $5 WHERE id = $1', [
      id,
      r.name,
      r.description,
      r.permissions,
      r.at,
    ]);
  },

  async deleteRole(q: Queryable, id: string): Promise<void> {
    await q.query('DELETE FROM roles WHERE id = $1', [id]);
  },

  // ── departments ───────────────────────────────────────────────────────────────────────
  listDepartments: (q: Queryable) =>
    q.query<DepartmentRow>(
      `SELECT d.id, d.name, d.parent_id, d.sort_order,
              (SELECT count(*)::int FROM users u WHERE u.department_id = d.id AND u.is_active) AS user_count
         FROM departments d ORDER BY d.sort_order, d.name, d.id`,
    ),

  async findDepartment(q: Queryable, id: string): Promise<DepartmentRow | null> {
    const [row] = await q.query<DepartmentRow>(
      `SELECT d.id, d.name, d.parent_id, d.sort_order,
              (SELECT count(*)::int FROM users u WHERE u.department_id = d.id AND u.is_active) AS user_count
         FROM departments d WHERE d.id = $1`,
      [id],
    );
    return row ?? null;
  },

  /** Ids of a department and every department above it. */
  async ancestorsOf(q: Queryable, id: string): Promise<string[]> {
    const rows = await q.query<{ id: string }>(
      `WITH RECURSIVE up(id, parent_id) AS (
         SELECT id, parent_id FROM departments WHERE id = $1
         UNION SELECT d.id, d.parent_id FROM departments d JOIN up ON d.id = up.parent_id)
       SELECT id FROM up`,
      [id],
    );
    return rows.map((r) => r.id);
  },

  async insertDepartment(
    q: Queryable,
    d: { name: string; parentId: string | null; sortOrder: number; at: Date },
  ): Promise<string> {
    const [row] = await q.query<{ id: string }>(
      'INSERT INTO departments (name, parent_id, sort_order, created_at) VALUES ($1, $2, $3, $4) RETURNING id',
      [d.name, d.parentId, d.sortOrder, d.at],
    );
    return row.id;
  },

  async updateDepartment(
    q: Queryable,
    id: string,
    d: { name: string; parentId: string | null; sortOrder: number },
  ): Promise<void> {
    await q.query('UPDATE departments SET name = $2, parent_id = $3, sort_order = $4 WHERE id = $1', [
      id,
      d.name,
      d.parentId,
      d.sortOrder,
    ]);
  },

  /** Whether anything (any user, active or not, or a sub-department) still points at it. */
  async isDepartmentInUse(q: Queryable, id: string): Promise<boolean> {
    const [row] = await q.query<{ used: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM users WHERE department_id = $1)
           OR EXISTS (SELECT 1 FROM departments WHERE parent_id = $1) AS used`,
      [id],
    );
    return row.used;
  },

  async deleteDepartment(q: Queryable, id: string): Promise<void> {
    await q.query('DELETE FROM departments WHERE id = $1', [id]);
  },
};
