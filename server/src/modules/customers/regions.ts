import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../../platform/http/schemas.ts';

/**
 * China's administrative divisions (province › city › district, GB/T 2260 codes) for the region
 * cascader and for validating what customers and touchpoints store. Customers store the NAMES
 * (`广东省`, `深圳市`, `南山区`): they read well in lists and exports, and filters compare them
 * as they are. Loaded once, on first use.
 */
export type RegionNode = { code: string; name: string; children?: RegionNode[] };

type RegionIndex = {
  tree: RegionNode[];
  /** province name → city name → set of district names */
  byName: Map<string, Map<string, Set<string>>>;
  etag: string;
};

let loaded: RegionIndex | null = null;

function load(): RegionIndex {
  if (loaded) return loaded;
  const text = readFileSync(join(import.meta.dirname, 'regions', 'china-regions.json'), 'utf8');
  const tree = JSON.parse(text) as RegionNode[];
  const byName = new Map<string, Map<string, Set<string>>>();
  for (const p of tree) {
    const cities = new Map<string, Set<string>>();
    for (const c of p.children ?? []) cities.set(c.name, new Set((c.children ?? []).map((d) => d.name)));
    byName.set(p.name, cities);
  }
  const etag = `"${createHash('sha256').update(text).digest('base64url').slice(0, 16)}"`;
  loaded = { tree, byName, etag };
  return loaded;
}

/** The whole tree, as GET /regions returns it. */
export function regionTree(): RegionNode[] {
  return load().tree;
}

/**
 * True when the names form a path in the tree: a known province, a city of that province (if
 * given), a district of that city (if given). A district without a city is not a path.
 */
export function isValidRegion(province: string, city?: string | null, district?: string | null): boolean {
  const cities = load().byName.get(province);
  if (!cities) return false;
  if (!city) return !district;
  const districts = cities.get(city);
  if (!districts) return false;
  return !district || districts.has(district);
}

/**
 * Which of the three names is wrong, for a 422 naming the field (`province`, `city`, `district`);
 * null when the path is valid. Empty values are treated as absent.
 */
export function invalidRegionField(
  province?: string | null,
  city?: string | null,
  district?: string | null,
): 'province' | 'city' | 'district' | null {
  if (!province) return city ? 'province' : district ? 'city' : null;
  if (!isValidRegion(province)) return 'province';
  if (!city) return district ? 'city' : null;
  if (!isValidRegion(province, city)) return 'city';
  if (district && !isValidRegion(province, city, district)) return 'district';
  return null;
}

const District = z.object({ code: z.string(), name: z.string() });
const City = z.object({ code: z.string(), name: z.string(), children: z.array(District).optional() });
const Province = z.object({ code: z.string(), name: z.string(), children: z.array(City).optional() });

/** GET /regions: the tree, cacheable (it changes only with a release). */
export function regionsRoutes(): FastifyPluginAsync {
  return async (plain) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/regions',
      {
        config: { access: 'authenticated' },
        schema: {
          tags: ['customers'],
          summary: 'China administrative divisions (province › city › district), for region pickers',
          response: { 200: z.array(Province), 304: z.null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        const { tree, etag } = load();
        void reply.header('cache-control', 'private, max-age=86400').header('etag', etag);
        if (request.headers['if-none-match'] === etag) return reply.status(304).send(null);
        return tree;
      },
    );
  };
}
