import { describeNotificationSender } from '../contracts/notification-sender.contract.js';
import { FakeNotifier } from './fake-notifier.js';

const URL = 'json://receiver.fake:8080/hooks/s3cr3t-path';

describeNotificationSender('FakeNotifier', async () => {
  const sender = new FakeNotifier();
  const endpoint = 'http://receiver.fake:8080/hooks/s3cr3t-path';
  return {
    sender,
    receiverUrl: URL,
    received: () =>
      sender.messages(endpoint).map((r) => ({
        method: r.method,
        path: new globalThis.URL(r.url).pathname,
        headers: r.headers,
        body: r.body,
      })),
    answer: async (how) => sender.answer(endpoint, how),
    close: async () => undefined,
  };
});
