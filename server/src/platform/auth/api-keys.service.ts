import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { AuditLog } from '../audit/audit.service.ts';
import type { Queryable } from '../db/db.ts';
import { commonErrors } from '../http/errors.ts';
import type { Actor } from './actor.ts';
import { authErrors } from './auth.errors.ts';
import type { AuthDirectory } from './directory.ts';
import type { Permission } from './permissions.ts';
import { requireRecentReauth } from './reauth.ts';
import { equalHashes, randomToken, sha256 } from './tokens.ts';

export type ApiKey = {
  id: string;
  name: string;
  /** Shown in lists to recognise a key: `kehu_ab12cd34`. */
  prefix: string;
  permissions: string[];
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
};

type ApiKeyRow = {
  id: string;
  name: string;
  prefix: string;
  secret_hash: string;
  permissions: string[];
  created_by: string;
  created_at: Date;
  last_used_at: Date | null;
  expires_at: Date | null;
  revoked_at: Date | null;
};

const tokenPattern = /^kehu_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;
const touchIntervalMs = 60 * 1000;

function toApiKey(r: ApiKeyRow): ApiKey {
  return {
    id: r.id,
    name: r.name,
    prefix: `kehu_${r.prefix}`,
    permissions: r.permissions,
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
    lastUsedAt: r.last_used_at?.toISOString() ?? null,
    expiresAt: r.expires_at?.toISOString() ?? null,
    revokedAt: r.revoked_at?.toISOString() ?? null,
  };
}

export type ApiKeyService = ReturnType<typeof createApiKeyService>;

export function createApiKeyService(deps: {
  db: Queryable;
  directory: AuthDirectory;
  audit: AuditLog;
  now: () => Date;
}) {
  const { db, directory, audit, now } = deps;

  return {
    async list(): Promise<ApiKey[]> {
      const rows = await db.query<ApiKeyRow>('SELECT * FROM api_keys ORDER BY created_at DESC, id');
      return rows.map(toApiKey);
    },

    /** Creates a key whose scope is a subset of the creator's permissions; the token is returned once. */
    async create(
      request: FastifyRequest,
      input: { name: string; permissions: Permission[]; expiresAt?: Date | null },
    ): Promise<{ apiKey: ApiKey; token: string }> {
      const actor = request.actor as Actor;
      if (actor.kind !== 'user') throw authErrors.sessionRequired();
      requireRecentReauth(request);
      const scope = [...new Set(input.permissions)].sort();
      const beyond = scope.find((p) => !actor.permissions.has(p));
      if (beyond) throw authErrors.apiKeyScopeExceeded(beyond);
      if (input.expiresAt && input.expiresAt.getTime() <= now().getTime()) throw authErrors.apiKeyExpiryInPast();
      const prefix = randomBytes(4).toString('hex');
      const secret = randomToken(32);
      const [row] = await db.query<ApiKeyRow>(
        `INSERT INTO api_keys (name, prefix, secret_hash, permissions, created_by, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
        [input.name, prefix, sha256(secret), scope, actor.userId, now(), input.expiresAt ?? null],
      );
      await audit.recordRequest(request, {
        action: 'api_key.created',
        entityType: 'api_key',
        entityId: row.id,
        details: { name: input.name, prefix: `kehu_${prefix}`, permissions: scope, expiresAt: input.expiresAt ?? null },
      });
      return { apiKey: toApiKey(row), token: `kehu_${prefix}_${secret}` };
    },

    async revoke(request: FastifyRequest, id: string): Promise<void> {
      const [row] = await db.query<{ id: string; revoked: boolean }>(
        `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1
         RETURNING id, revoked_at <> $2 AS revoked`,
        [id, now()],
      );
      if (!row) throw commonErrors.notFound('apiKey');
      if (!row.revoked) {
        await audit.recordRequest(request, { action: 'api_key.revoked', entityType: 'api_key', entityId: id });
      }
    },

    /** The actor of a bearer token: its scope narrowed to what its creator may still do now. */
    async resolve(token: string): Promise<Actor | null> {
      const match = tokenPattern.exec(token);
      if (!match) return null;
      const [row] = await db.query<ApiKeyRow>('SELECT * FROM api_keys WHERE prefix = $1', [match[1]]);
      if (!row || !equalHashes(row.secret_hash, sha256(match[2]))) return null;
      const at = now();
      if (row.revoked_at || (row.expires_at && row.expires_at.getTime() <= at.getTime())) return null;
      const user = await directory.loadUserActor(row.created_by);
      if (!user) return null;
      if (!row.last_used_at || at.getTime() - row.last_used_at.getTime() > touchIntervalMs) {
        await db.query('UPDATE api_keys SET last_used_at = $2 WHERE id = $1', [row.id, at]);
      }
      const permissions = new Set(row.permissions.filter((p) => user.permissions.has(p as Permission)) as Permission[]);
      return {
        kind: 'api_key',
        userId: user.userId,
        name: row.name,
        permissions,
        apiKeyId: row.id,
        locale: user.locale,
      };
    },
  };
}
