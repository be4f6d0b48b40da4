import type { ApiEvent } from '@contract';
import { isWebhookRoute } from '@vocabulary';

export const SIGNATURE_MISMATCH =
  'signature mismatch: check the secret in GitHub and PODUP_GITHUB_WEBHOOK_SECRET';

/** Why a delivery was rejected or ignored, in words an operator can act on. */
export function reasonOf(e: ApiEvent): string | null {
  if (isWebhookRoute(e.route) && e.status === 401) return SIGNATURE_MISMATCH;
  return e.reason;
}
