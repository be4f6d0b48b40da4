import { Link } from 'react-router';
import type { TestDeliveryReply } from '@contract';
import { Button } from '@/components/button';
import { ErrorMessage } from '@/components/error-message';
import { paths } from '@/config/paths';
import { useSendTestDelivery } from '../api/send-test-delivery';

function Verdict({ reply }: { reply: TestDeliveryReply }) {
  return (
    <div
      className={`alert ${reply.ok ? 'alert-ok' : 'alert-bad'}`}
      role="status"
      aria-label="Test delivery result"
    >
      <p className="alert-title">
        {reply.ok ? 'Delivered' : 'Not delivered'}: {reply.message}
      </p>
      {reply.hint && <p className="alert-hint">{reply.hint}</p>}
      {!reply.publicUrl && (
        <p className="alert-hint">
          PODUP_PUBLIC_URL is not set: this went to the address the panel is open at, which may not be the one
          GitHub uses.
        </p>
      )}
      {reply.status !== null && (
        <p className="small">
          <Link to={paths.eventsOfDelivery(reply.delivery)}>The delivery in the event log</Link>
        </p>
      )}
    </div>
  );
}

/**
 * Sends a ping signed with podup's secret to the webhook URL above, the way GitHub would, and says what answered:
 * podup, a proxy in front of it, a podup with another secret, or nothing.
 */
export function TestDelivery() {
  const send = useSendTestDelivery();
  return (
    <div className="test-delivery">
      <p className="muted small">
        Checks the path from this host to podup&rsquo;s webhook route (DNS, proxy, TLS, the secret). GitHub
        comes from the internet: its &ldquo;Recent Deliveries&rdquo; page shows whether it gets through.
      </p>
      <Button size="sm" onClick={() => send.mutate()} disabled={send.isPending}>
        {send.isPending ? 'Sending…' : 'Send a test delivery'}
      </Button>
      {send.isError && <ErrorMessage error={send.error} title="Could not send a test delivery" />}
      {send.data && <Verdict reply={send.data} />}
    </div>
  );
}
