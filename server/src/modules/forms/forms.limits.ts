import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Submissions one address may make to one form per minute: a person needs a few, a script many. */
export const submissionsPerIpPerMinute = 10;
/** Submissions one form accepts per minute from everyone: caps a flood from many addresses. */
export const submissionsPerFormPerMinute = 300;
/** The largest submission accepted: a form of 30 fields needs a few KB. */
export const submissionBodyLimit = 16 * 1024;

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;
export type LimitCheck = { ok: true } | { ok: false; retryAfterSeconds: number };

/**
 * Two counters in front of every public submission (the HTML page and the JSON API share
 * them): per address and form, and per form. Checked before the body is read, so a flood
 * costs little.
 */
export function createFormLimits() {
  let limiters: { perIp: Limiter; perForm: Limiter } | null = null;
  const slugOf = (r: FastifyRequest) => String((r.params as { slug?: unknown }).slug ?? '').slice(0, 60);

  return async function check(app: FastifyInstance, request: FastifyRequest): Promise<LimitCheck> {
    limiters ??= {
      perIp: app.createRateLimit({
        max: submissionsPerIpPerMinute,
        timeWindow: 60_000,
        keyGenerator: (r) => `form-ip|${slugOf(r)}|${r.ip}`,
      }),
      perForm: app.createRateLimit({
        max: submissionsPerFormPerMinute,
        timeWindow: 60_000,
        keyGenerator: (r) => `form|${slugOf(r)}`,
      }),
    };
    for (const limiter of [limiters.perIp, limiters.perForm]) {
      const result = await limiter(request);
      if (!result.isAllowed && result.isExceeded) return { ok: false, retryAfterSeconds: result.ttlInSeconds };
    }
    return { ok: true };
  };
}
export type FormLimits = ReturnType<typeof createFormLimits>;
