import { Button } from '@/components/button';
import { useToast } from '@/components/toast';
import { useApproveTask } from '../api/approve-task';
import { useRejectTask } from '../api/reject-task';

/** Approve / Reject of a task that awaits approval; no confirmation, since the task waits for exactly this. */
export function DecisionButtons({ taskId, label }: { taskId: string; label: string }) {
  const approve = useApproveTask();
  const reject = useRejectTask();
  const toast = useToast();
  const busy = approve.isPending || reject.isPending;
  return (
    <span className="row row-tight">
      <Button
        size="sm"
        variant="primary"
        busy={approve.isPending}
        disabled={busy}
        aria-label={`Approve ${label}`}
        onClick={() =>
          approve.mutate(taskId, {
            onSuccess: (reply) => toast.success(reply.message),
            onError: (e) => toast.error(e, 'Approval failed'),
          })
        }
      >
        Approve
      </Button>
      <Button
        size="sm"
        busy={reject.isPending}
        disabled={busy}
        aria-label={`Reject ${label}`}
        onClick={() =>
          reject.mutate(taskId, {
            onSuccess: (reply) => toast.success(reply.message),
            onError: (e) => toast.error(e, 'Rejection failed'),
          })
        }
      >
        Reject
      </Button>
    </span>
  );
}
