export interface Limits {
  readonly requestsPerMinute: number;
  /** No monthly counter when absent (capture sessions: their checks count against the quota, not their creation). */
  readonly monthlyQuota?: number;
}

export type Admission =
  | { readonly admitted: true }
  | { readonly admitted: false; readonly reason: 'rateLimit'; readonly retryAfterSeconds: number }
  | { readonly admitted: false; readonly reason: 'quota' };

/** Exact limits per counted thing (an app's checks, or `<appId>#sessions`): a per-minute rate and a monthly quota. */
export interface RateLimiter {
  admit(counter: string, limits: Limits, now?: Date): Promise<Admission>;
}

/** Counter windows (UTC calendar minute and month) for a moment. */
export function windowsOf(now: Date) {
  const iso = now.toISOString();
  const minuteStart = Math.floor(now.getTime() / 60_000) * 60_000;
  const nextMonth = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  return {
    minute: iso.slice(0, 16),
    month: iso.slice(0, 7),
    minuteEndsAt: minuteStart + 60_000,
    monthEndsAt: nextMonth,
    retryAfterSeconds: Math.max(1, Math.ceil((minuteStart + 60_000 - now.getTime()) / 1000)),
  };
}
