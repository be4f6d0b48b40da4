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
  WebClient,
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
  /** Reaches podup's own public URL for the test delivery (adapters/http). */
  web: WebClient;
  probes: { podman: Probe; dbus: Probe };
  close(): Promise<void>;
}
