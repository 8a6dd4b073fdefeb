/**
 * Back-pressure for the tracking API. Two rules, both answered with 429 and Retry-After so SDKs
 * back off and resend (they keep the events):
 * - in flight: at most `maxInFlight` tracking requests are being written at once; more would
 *   only queue for database connections and grow memory;
 * - per source: a token bucket of `rate` events per second. The bucket may go into debt by one
 *   request (a 2,500-event batch is never refused forever by a small rate); the next request
 *   waits until it is paid back.
 */
export type Admission =
  { ok: true; release(): void } | { ok: false; retryAfterSeconds: number; reason: 'overloaded' | 'rate' };

type Bucket = { tokens: number; at: number; rate: number };

export function createLimiter(opts: { maxInFlight: number; now?: () => number }) {
  const now = opts.now ?? (() => performance.now());
  const buckets = new Map<string, Bucket>();
  let inFlight = 0;

  return {
    get inFlight() {
      return inFlight;
    },

    admit(sourceId: string, rate: number, events: number): Admission {
      if (inFlight >= opts.maxInFlight) return { ok: false, retryAfterSeconds: 1, reason: 'overloaded' };
      const t = now();
      let b = buckets.get(sourceId);
      if (!b || b.rate !== rate) {
        b = { tokens: rate, at: t, rate };
        buckets.set(sourceId, b);
      }
      // refill, capped at one second's worth (the burst)
      b.tokens = Math.min(rate, b.tokens + ((t - b.at) / 1000) * rate);
      b.at = t;
      if (b.tokens <= 0) {
        return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(-b.tokens / rate)), reason: 'rate' };
      }
      b.tokens -= events;
      inFlight++;
      let released = false;
      return {
        ok: true,
        release() {
          if (released) return;
          released = true;
          inFlight--;
        },
      };
    },
  };
}

export type Limiter = ReturnType<typeof createLimiter>;
