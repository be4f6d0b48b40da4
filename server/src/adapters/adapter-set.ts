/** The set of systems podup drives, as compose.ts wires them: real ones (compose.ts) or fakes (adapters/fakes). */
import type {
  ContainerRuntime,
  DigestResolver,
  LeaseOwnership,
  NotificationSender,
  Probe,
  QuadletSource,
  UnitManager,
  WakeTimer,
} from '../domain/ports/index.js';

export interface Adapters {
  runtime: ContainerRuntime;
  unitManager: UnitManager;
  registry: DigestResolver;
  quadlets: QuadletSource;
  owners: LeaseOwnership;
  wake: WakeTimer;
  /** Reaches notification channels (adapters/notify). */
  sender: NotificationSender;
  probes: { podman: Probe; dbus: Probe };
  close(): Promise<void>;
}
