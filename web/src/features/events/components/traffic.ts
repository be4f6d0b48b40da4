import type { ApiEvent } from '@contract';

/**
 * Deliveries are what an operator looks for: webhooks (GitHub, the legacy per-unit hook) and API calls that ask
 * for something (triggers, stops, policy changes). The panel's own traffic (sign-in, reads that failed, health
 * probes) is shown only on request; successful reads are not stored at all (the server counts them).
 */
export function isDelivery(e: ApiEvent): boolean {
  if (e.route.startsWith('/webhooks/') || e.route.startsWith('/github-package-update')) return true;
  if (e.route === '/healthz' || e.route === '/readyz' || e.route.startsWith('/api/session')) return false;
  return e.method !== 'GET' && e.method !== 'HEAD';
}

const isWebhook = (e: ApiEvent) =>
  e.route.startsWith('/webhooks/') || e.route.startsWith('/github-package-update');

export const SIGNATURE_MISMATCH =
  'signature mismatch: check the secret in GitHub and PODUP_GITHUB_WEBHOOK_SECRET';

/** Why a delivery was rejected or ignored, in words an operator can act on. */
export function reasonOf(e: ApiEvent): string | null {
  if (isWebhook(e) && e.status === 401) return SIGNATURE_MISMATCH;
  return e.reason;
}
