/**
 * The health gate of one restarted unit: systemd must keep it active (no restart of its own, a new
 * invocation), and when its container has a health check (podman run --health-cmd, Quadlet HealthCmd=, the
 * image's HEALTHCHECK) Podman must call it healthy. The check is run by podup on each poll, as its timer would
 * (retries and --health-on-failure apply), so a verdict comes even where no timer runs it. Without a check
 * the unit must stay active for the whole window; with one, "healthy" ends the gate early and "unhealthy" (or
 * still "starting" at the end of the window) fails it. Units with Notify=healthy are healthy once their start
 * job is done, as systemd defines it.
 */
import type { Clock, ContainerRuntime, UnitManager, UnitState } from '../ports/index.js';

export const UNIT_LABEL = 'PODMAN_SYSTEMD_UNIT';

export interface GateDeps {
  runtime: ContainerRuntime;
  systemd: UnitManager;
  clock: Clock;
  sleep(ms: number): Promise<void>;
}

export interface GateOptions {
  windowMs: number;
  pollMs: number;
  /** The invocation before the restart: the same one after it means the unit was not restarted. */
  previousInvocation?: string | undefined;
  /** Called on every poll: throws to end the gate (a force-stop). */
  checkpoint?: () => void;
}

/** Why a gate failed, in a sentence for the task log and the unit's result. */
export class GateFailure extends Error {}

/** The unit's running container (by its PODMAN_SYSTEMD_UNIT label), the newest when there are several. */
export async function runningContainerOf(
  runtime: ContainerRuntime,
  unit: string,
): Promise<{ id: string; imageId: string; labels: Record<string, string> } | undefined> {
  const mine = (await runtime.listContainers())
    .filter((c) => c.labels[UNIT_LABEL] === unit && c.state === 'running')
    .sort((a, b) => b.startedAt - a.startedAt);
  const c = mine[0];
  return c ? { id: c.id, imageId: c.imageId, labels: c.labels } : undefined;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export interface GateResult {
  /** What the gate saw ("healthy after 1.2 s (...)", "active for 10.0 s, no health check"). */
  seen: string;
  /** The unit's running container as the gate found it (the digest check starts from it). */
  container: { id: string; imageId: string } | undefined;
}

export async function healthGate(deps: GateDeps, unit: string, o: GateOptions): Promise<GateResult> {
  const started = deps.clock.now();
  const deadline = started + o.windowMs;
  let first: UnitState | undefined;
  let check: { id: string; command: string } | null | undefined;
  let container: GateResult['container'];
  for (;;) {
    o.checkpoint?.();
    const s = await deps.systemd.state(unit);
    first ??= s;
    if (s.activeState !== 'active')
      throw new GateFailure(`${unit} is ${s.activeState}/${s.subState} (result ${s.result})`);
    if (s.nRestarts !== null && first.nRestarts !== null && s.nRestarts > first.nRestarts)
      throw new GateFailure(`${unit} restarted by itself (NRestarts ${first.nRestarts} -> ${s.nRestarts})`);
    if (o.previousInvocation !== undefined && s.invocationId === o.previousInvocation)
      throw new GateFailure(`${unit} was not restarted (same invocation)`);

    if (check === undefined) {
      const c = await runningContainerOf(deps.runtime, unit);
      const h = c ? await deps.runtime.containerHealth(c.id) : undefined;
      container = c && { id: c.id, imageId: c.imageId };
      // No container yet (it may still be created): look again on the next poll.
      if (c && h) check = h.check ? { id: c.id, command: h.check.slice(1).join(' ') } : null;
    }
    if (check) {
      const ran = await deps.runtime.runHealthcheck(check.id);
      const h = ran === 'gone' ? undefined : await deps.runtime.containerHealth(check.id);
      const after = seconds(deps.clock.now() - started);
      if (h?.status === 'healthy') return { seen: `healthy after ${after} (${check.command})`, container };
      if (h?.status === 'unhealthy' || ran === 'gone') {
        const action = h && h.onFailure !== 'none' ? `; podman's on-failure action: ${h.onFailure}` : '';
        const output = h?.lastOutput ? `: ${h.lastOutput}` : '';
        throw new GateFailure(
          `${unit}'s container is ${ran === 'gone' ? 'gone after its health check' : 'unhealthy'} (${check.command})${output}${action}`,
        );
      }
    }
    const now = deps.clock.now();
    if (now >= deadline) {
      if (check)
        throw new GateFailure(
          `${unit}'s container was not healthy within ${seconds(o.windowMs)} (still starting; ${check.command})`,
        );
      return {
        seen: `active for ${seconds(o.windowMs)}${check === null ? ', no health check' : ''}`,
        container,
      };
    }
    await deps.sleep(Math.min(o.pollMs, Math.max(1, deadline - now)));
  }
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "30s", "1m30s", "500ms", "90" (seconds); undefined when it is none of those. */
export function parseWindow(text: string | undefined): number | undefined {
  const s = text?.trim().toLowerCase();
  if (!s) return undefined;
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  let total = 0;
  const rest = s.replace(/(\d+(?:\.\d+)?)\s*(ms|s|m|h)/g, (_, n: string, u: string) => {
    total += Number(n) * (UNITS[u] ?? NaN);
    return '';
  });
  return rest.trim() === '' && total > 0 && Number.isFinite(total) ? Math.round(total) : undefined;
}

/** The label that sets a unit's own health window (podman run --label, Quadlet Label=). */
export const HEALTH_WINDOW_LABEL = 'podup.health-window';
