import { describeWebClient } from '../contracts/web-client.contract.js';
import { FakeWebClient } from './fake-web-client.js';

describeWebClient('FakeWebClient', async () => {
  const client = new FakeWebClient();
  const url = 'https://podup.fake:8443/webhooks/github';
  return {
    client,
    url,
    received: () => client.requests.map((r) => ({ headers: r.headers, body: r.body })),
    answer: async (how) => {
      if (how === 'down') client.serve(url, undefined);
      else if (how === 'hang') client.serve(url, 'hang');
      else client.serve(url, () => how);
    },
    close: async () => undefined,
  };
});
