/** The UnitManager port over a FakeHost: what systemd answers over D-Bus, held to the same contract suite. */
import type {
  ExecCommand,
  LoadState,
  UnitDependencies,
  UnitManager,
  UnitState,
} from '../../domain/ports/index.js';
import { AppError, errorMessage } from '../../errors.js';
import type { FakeHost } from './fake-host.js';

export class FakeUnitManager implements UnitManager {
  constructor(private readonly host: FakeHost) {}

  async restart(unit: string, _timeoutMs: number): Promise<{ job: string; result: string }> {
    this.host.calls.push(`restart ${unit}`);
    this.host.restartsAt.push({ unit, at: this.host.now });
    this.host.ensureUp('systemd');
    return this.host.restart(unit);
  }

  async start(unit: string, _timeoutMs: number): Promise<{ job: string; result: string }> {
    this.host.calls.push(`start ${unit}`);
    this.host.ensureUp('systemd');
    return this.host.startUnit(unit);
  }

  async dependencies(unit: string): Promise<UnitDependencies> {
    this.host.ensureUp('systemd');
    try {
      return this.host.dependenciesOf(unit);
    } catch (e) {
      throw new AppError('SYSTEMD_ERROR', `dependencies of ${unit}: ${errorMessage(e)}`, { cause: e });
    }
  }

  async execStart(unit: string): Promise<ExecCommand[]> {
    this.host.ensureUp('systemd');
    return this.host.execStartOf(unit);
  }

  async setDropIn(unit: string, name: string, text: string | null): Promise<void> {
    this.host.ensureUp('systemd');
    // Removing one that is not there changes nothing (the real adapter does not even reload).
    if (text !== null || this.host.units.get(unit)?.dropIns.has(name))
      this.host.calls.push(`${text === null ? 'remove' : 'write'} drop-in ${unit} ${name}`);
    this.host.setDropIn(unit, name, text);
  }

  async state(unit: string): Promise<UnitState> {
    this.host.statePolls.push({ unit, at: this.host.now });
    this.host.ensureUp('systemd');
    return this.host.stateOf(unit);
  }

  async loadStates(units: readonly string[]): Promise<Map<string, LoadState>> {
    this.host.ensureUp('systemd');
    return new Map(units.map((u) => [u, this.host.knowsUnit(u) ? 'loaded' : 'not-found']));
  }

  async resetFailed(unit: string): Promise<void> {
    this.host.calls.push(`reset ${unit}`);
    this.host.ensureUp('systemd');
    this.host.resetFailed(unit);
  }

  /** Read by journalctl, not over the bus: it keeps working while D-Bus is down. */
  async journal(unit: string, lines: number): Promise<string[]> {
    this.host.calls.push(`journal ${unit}`);
    return this.host.journalOf(unit).slice(-lines);
  }
}
