/**
 * NotificationSender in memory: every channel answers from here. `received` is what each channel got (the
 * requests the real sender would have made, in each service's format), `answer` takes a channel down or makes it
 * answer an HTTP status.
 */
import type { NotificationMessage } from '../../domain/notifications/message.js';
import type { ChannelTarget } from '../../domain/notifications/service-url.js';
import type { NotificationSender, SendResult } from '../../domain/ports/index.js';
import { serviceRequest, type ServiceRequest } from '../notify/formats.js';

export type FakeAnswer = number | 'down' | 'hang';

export class FakeNotifier implements NotificationSender {
  /** Per endpoint, the requests it accepted. */
  readonly received = new Map<string, ServiceRequest[]>();
  /** Per endpoint, how it answers (default 200). */
  readonly answers = new Map<string, FakeAnswer>();
  attempts = 0;

  constructor(private readonly notifySecret?: string) {}

  answer(endpoint: string, answer: FakeAnswer): void {
    this.answers.set(endpoint, answer);
  }

  messages(endpoint: string): ServiceRequest[] {
    return this.received.get(endpoint) ?? [];
  }

  async send(target: ChannelTarget, message: NotificationMessage, timeoutMs: number): Promise<SendResult> {
    this.attempts++;
    const answer = this.answers.get(target.endpoint) ?? 200;
    if (answer === 'down')
      return { ok: false, status: null, error: `${target.kind} unreachable: ECONNREFUSED` };
    if (answer === 'hang') {
      await new Promise((r) => setTimeout(r, timeoutMs));
      return {
        ok: false,
        status: null,
        error: `${target.kind} unreachable: no answer within ${timeoutMs} ms`,
      };
    }
    if (answer < 200 || answer >= 300)
      return { ok: false, status: answer, error: `${target.kind} answered HTTP ${answer}` };
    const got = this.received.get(target.endpoint) ?? [];
    got.push(serviceRequest(target, message, this.notifySecret));
    this.received.set(target.endpoint, got);
    return { ok: true, status: answer };
  }
}
