import { EmptyState } from '@/components/empty-state';
import { ErrorMessage } from '@/components/error-message';
import { Loading } from '@/components/spinner';
import { useChannels } from '@/features/notifications/api/get-channels';
import { AddChannelForm } from '@/features/notifications/components/add-channel-form';
import { ChannelCard } from '@/features/notifications/components/channel-card';

export function NotificationsRoute() {
  const channels = useChannels();
  return (
    <>
      <div className="page-head">
        <h1>Notifications</h1>
        <span className="muted small">
          Failures, rollbacks and more, delivered with retries until they arrive.
        </span>
      </div>
      {channels.isPending && <Loading label="Loading channels…" />}
      {channels.isError && (
        <ErrorMessage
          error={channels.error}
          title="Could not load channels"
          onRetry={() => void channels.refetch()}
        />
      )}
      {channels.data && (
        <div className="stack">
          {channels.data.channels.length === 0 && (
            <EmptyState title="No notification channels">
              List service URLs in PODUP_NOTIFY, or add one below.
            </EmptyState>
          )}
          {channels.data.channels.map((c) => (
            <ChannelCard key={c.id} channel={c} events={channels.data.events} />
          ))}
          <AddChannelForm events={channels.data.events} secretConfigured={channels.data.secretConfigured} />
        </div>
      )}
    </>
  );
}
