/** The real WebClient (undici) against a real local HTTP server: the WebClient contract. */
import { describeWebClient } from '../../server/src/adapters/contracts/web-client.contract.js';
import { httpWebClient } from '../../server/src/adapters/http/web-client.js';
import { Receiver } from '../helpers/receiver.js';

describeWebClient('httpWebClient', async () => {
  const receiver = await Receiver.start();
  return {
    client: httpWebClient(),
    url: receiver.url('http', '/webhooks/github'),
    received: () => receiver.requests,
    answer: async (how) => {
      if (how === 'down') await receiver.down();
      else {
        await receiver.up();
        if (how === 'hang') receiver.hangUp();
        else receiver.answer(how.status, how.body, how.contentType);
      }
    },
    close: () => receiver.close(),
  };
});
