/** The real notification sender (undici) against a real local HTTP receiver: the NotificationSender contract. */
import { describeNotificationSender } from '../../server/src/adapters/contracts/notification-sender.contract.js';
import { httpSender } from '../../server/src/adapters/notify/http-sender.js';
import { Receiver } from '../helpers/receiver.js';

describeNotificationSender('httpSender', async () => {
  const receiver = await Receiver.start();
  return {
    sender: httpSender(undefined),
    receiverUrl: receiver.url('json', '/hooks/s3cr3t-path'),
    received: () => receiver.requests,
    answer: async (how) => {
      if (how === 'down') await receiver.down();
      else {
        await receiver.up();
        if (how === 'hang') receiver.hangUp();
        else receiver.answer(how);
      }
    },
    close: () => receiver.close(),
  };
});
