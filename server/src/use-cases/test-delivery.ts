/**
 * "Send a test delivery": a ping signed with podup's webhook secret, POSTed to the webhook URL podup tells
 * operators to paste into GitHub (PODUP_PUBLIC_URL, else the address the panel was reached at), and what the
 * answer means (domain/webhooks/test-delivery.ts). The URL is podup's own configuration, never a caller's.
 * Used by: POST /api/v1/settings/test-delivery
 */
import type { IdSource, WebClient, WebhookSignatures } from '../domain/ports/index.js';
import {
  judgeTestDelivery,
  TEST_DELIVERY_PREFIX,
  testPing,
  type TestDeliveryVerdict,
} from '../domain/webhooks/test-delivery.js';
import { AppError } from '../errors.js';

export interface TestDeliveryResult extends TestDeliveryVerdict {
  url: string;
  delivery: string;
  /** The HTTP status that came back; null when nothing answered. */
  status: number | null;
  ms: number;
  /** False when PODUP_PUBLIC_URL is unset and the URL is the one the request came in on. */
  publicUrl: boolean;
}

const TIMEOUT_MS = 10_000;

export class TestDeliveryService {
  constructor(
    private readonly deps: {
      web: WebClient;
      signatures: WebhookSignatures;
      ids: IdSource;
      publicUrl: string | undefined;
    },
  ) {}

  /** `requestBase`: scheme://host of the request, used when PODUP_PUBLIC_URL is unset. */
  async send(requestBase: string, version: string): Promise<TestDeliveryResult> {
    const url = `${this.deps.publicUrl ?? requestBase}/webhooks/github`;
    const body = testPing(url);
    const signature = this.deps.signatures.sign(body);
    if (signature === undefined) {
      throw new AppError(
        'WEBHOOK_SECRET_MISSING',
        'no webhook secret is configured: nothing to sign a test delivery with',
        {
          hint: 'set PODUP_GITHUB_WEBHOOK_SECRET (or its credential file) to the secret GitHub sends with',
        },
      );
    }
    const delivery = `${TEST_DELIVERY_PREFIX}${this.deps.ids.taskId().slice(4).toLowerCase()}`;
    const answer = await this.deps.web.post(
      url,
      {
        'content-type': 'application/json',
        'user-agent': `podup-test-delivery/${version}`,
        'x-github-event': 'ping',
        'x-github-delivery': delivery,
        'x-hub-signature-256': signature,
      },
      body,
      TIMEOUT_MS,
    );
    return {
      ...judgeTestDelivery(url, delivery, answer),
      url,
      delivery,
      status: answer.status,
      ms: answer.ms,
      publicUrl: this.deps.publicUrl !== undefined,
    };
  }
}
