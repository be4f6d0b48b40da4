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

/**
 * A unit's place in systemd's graph, as the manager reports it (unit files and drop-ins merged, reverse
 * dependencies included). Names of units only.
 */
export interface UnitDependencies {
  after: string[];
  before: string[];
  requires: string[];
  bindsTo: string[];
  partOf: string[];
  wants: string[];
  /** Units with Requires= on this one. */
  requiredBy: string[];
  /** Units with BindsTo= on this one. */
  boundBy: string[];
  /** Units with PartOf= on this one. */
  consistsOf: string[];
}

/** One ExecStart= line of a service: the binary, its full argv (argv[0] included), and its "-" prefix. */
export interface ExecCommand {
  path: string;
  argv: string[];
  ignoreFailure: boolean;
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
  /** StartUnit(unit, "replace") and the result of its job. */
  start(unit: string, timeoutMs: number): Promise<{ job: string; result: string }>;
  /** Rejects with SYSTEMD_ERROR when the manager cannot say (the engine then orders the unit by name). */
  dependencies(unit: string): Promise<UnitDependencies>;
  /** The service's ExecStart= commands (none for a unit without a file). */
  execStart(unit: string): Promise<ExecCommand[]>;
  /**
   * Writes the drop-in `<unit>.d/<name>.conf` (or removes it, for null) in the manager's persistent
   * configuration directory for programs (the ".control" one, where `systemctl set-property` writes), then
   * reloads the manager so that the next start uses it. Removing a drop-in that is not there reloads nothing.
   */
  setDropIn(unit: string, name: string, text: string | null): Promise<void>;
  /** Recent journal lines of the unit (none when it has no entries); rejects with SYSTEMD_ERROR when unreadable. */
  journal(unit: string, lines: number): Promise<string[]>;
}
