/**
 * Which event-log rows are deliveries: what an operator looks for in the event log. Webhooks (GitHub's and the
 * replaced system's per-unit hook) and API calls that ask for something (triggers, stops, policy changes) are;
 * the panel's own traffic (sign-in and out, reads that failed) and health probes are not. Successful reads are
 * not stored at all (the server counts them). GET /api/events?traffic=deliveries filters with this rule in SQL
 * (db/event-store.ts), the panel's mock with isDelivery.
 */
export const DELIVERY_ROUTE_PREFIXES = ['/webhooks/', '/github-package-update'] as const;
/** Never deliveries, whatever the method. */
export const PANEL_TRAFFIC_ROUTES = ['/healthz', '/readyz'] as const;
export const PANEL_TRAFFIC_PREFIXES = ['/api/session'] as const;
/** Methods that ask for nothing (a failed read). */
export const READ_METHODS = ['GET', 'HEAD'] as const;

/** A webhook route: GitHub's, or the replaced system's per-unit hook. */
export const isWebhookRoute = (route: string): boolean =>
  DELIVERY_ROUTE_PREFIXES.some((p) => route.startsWith(p));

export function isDelivery(e: { route: string; method: string }): boolean {
  if (isWebhookRoute(e.route)) return true;
  if ((PANEL_TRAFFIC_ROUTES as readonly string[]).includes(e.route)) return false;
  if (PANEL_TRAFFIC_PREFIXES.some((p) => e.route.startsWith(p))) return false;
  return !(READ_METHODS as readonly string[]).includes(e.method);
}
