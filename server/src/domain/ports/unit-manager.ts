/**
 * The systemd manager (over D-Bus). Implemented by adapters/systemd/systemd-bus.ts; the fake beside it passes
 * the same contract suite (adapters/contracts/unit-manager.contract.ts).
 */

export interface UnitState {
  activeState: string;
  subState: string;
  result: string;
  nRestarts: number | null;
  mainPid: number;
  invocationId: string;
}

/** systemd's LoadState of a unit: "loaded", "not-found", "masked", "error", "bad-setting", ... */
export type LoadState = string;

export interface UnitManager {
  /** RestartUnit(unit, "replace") and the result of its job (done, failed, timeout, ...). */
  restart(unit: string, timeoutMs: number): Promise<{ job: string; result: string }>;
  state(unit: string): Promise<UnitState>;
  /** LoadState of each unit (one round trip for all); "not-found" for a unit the manager has no file for. */
  loadStates(units: readonly string[]): Promise<Map<string, LoadState>>;
  /** ResetFailedUnit: clears the failed state and the start rate-limit counter. */
  resetFailed(unit: string): Promise<void>;
  /** Recent journal lines of the unit (none when it has no entries); rejects with SYSTEMD_ERROR when unreadable. */
  journal(unit: string, lines: number): Promise<string[]>;
}
