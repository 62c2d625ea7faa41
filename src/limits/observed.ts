import type { RateLimiter } from './limiter.js';

/**
 * The limiter, telling `onRefused` the rule (or counter) name of every refused take: one place counts every
 * limiter rejection for the metrics (`guardline_limit_rejections_total{rule}`), whichever service asked.
 */
export function observeRefusals(limiter: RateLimiter, onRefused: (name: string) => void): RateLimiter {
  return {
    ...limiter,
    take: async (rule, key, cost) => {
      const result = await limiter.take(rule, key, cost);
      if (!result.allowed) onRefused(rule.name);
      return result;
    },
    takeAll: async (takes) => {
      const result = await limiter.takeAll(takes);
      if (!result.allowed) {
        const refused = takes[result.refused]!;
        onRefused(refused.kind === 'bucket' ? refused.rule.name : refused.name);
      }
      return result;
    },
  };
}
