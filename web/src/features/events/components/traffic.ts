import type { ApiEvent } from '@contract';

const isWebhook = (e: ApiEvent) =>
  e.route.startsWith('/webhooks/') || e.route.startsWith('/github-package-update');

export const SIGNATURE_MISMATCH =
  'signature mismatch: check the secret in GitHub and PODUP_GITHUB_WEBHOOK_SECRET';

/** Why a delivery was rejected or ignored, in words an operator can act on. */
export function reasonOf(e: ApiEvent): string | null {
  if (isWebhook(e) && e.status === 401) return SIGNATURE_MISMATCH;
  return e.reason;
}
