import { gzipSync } from 'node:zlib';
import type { LightMyRequestResponse } from 'fastify';
import type { Kehu } from '../../start.ts';
import type { Session } from '../../../test/auth-fixtures.ts';

/** Helpers the tracking tests share: make a source, post to /v1/… the way SDKs do. */

export const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

export async function createSource(
  admin: Session,
  body: Record<string, unknown> = {},
): Promise<{ id: string; writeKey: string }> {
  const res = await admin.call('POST', '/sources', { name: 'Website', type: 'website', ...body });
  if (res.statusCode !== 201) throw new Error(`source: ${res.statusCode} ${res.body}`);
  return res.json();
}

export type Post = (
  path: string,
  payload: unknown,
  opts?: { key?: string | null; headers?: Record<string, string>; gzip?: boolean; raw?: boolean },
) => Promise<LightMyRequestResponse>;

/** POST /v1/<path> with the key as the HTTP Basic user name (or none, or given headers). */
export function poster(kehu: Pick<Kehu, 'app'>, defaultKey: string): Post {
  return (path, payload, opts = {}) => {
    const key = opts.key === undefined ? defaultKey : opts.key;
    let body: string | Buffer = opts.raw ? (payload as string | Buffer) : JSON.stringify(payload);
    const headers: Record<string, string> = { 'content-type': 'application/json', ...opts.headers };
    if (key) headers.authorization = basic(key);
    if (opts.gzip) {
      body = gzipSync(body);
      headers['content-encoding'] = 'gzip';
    }
    return kehu.app.inject({ method: 'POST', url: `/v1/${path}`, headers, payload: body });
  };
}
