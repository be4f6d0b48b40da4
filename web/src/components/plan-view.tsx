import type { ApiPlan } from '@contract';
import { Digest } from './digest';
import { TableWrap } from './table-wrap';

const ACTION_TONE: Record<ApiPlan['units'][number]['action'], string> = {
  update: 'busy',
  verify: 'ok',
  skip: 'idle',
  error: 'bad',
};
const ACTION_LABEL: Record<ApiPlan['units'][number]['action'], string> = {
  update: 'would update',
  verify: 'up to date (verify only)',
  skip: 'skip',
  error: 'cannot plan',
};

/** What a dry run found: per unit, the digest it runs, the registry's, and what an update would do. */
export function PlanView({ plan }: { plan: ApiPlan }) {
  const imageErrors = plan.images.filter((i) => i.error);
  return (
    <div className="plan">
      {imageErrors.length > 0 && (
        <div className="alert alert-warn" role="alert">
          {imageErrors.map((i) => (
            <p key={i.image}>
              <strong>{i.image}</strong>: {i.error}
            </p>
          ))}
        </div>
      )}
      {plan.units.length === 0 ? (
        <p className="muted">No unit would be touched.</p>
      ) : (
        <TableWrap label="Plan">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Unit</th>
                <th scope="col">Action</th>
                <th scope="col">Running</th>
                <th scope="col">Registry</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {plan.units.map((u) => (
                <tr key={u.unit}>
                  <td>
                    {u.unit}
                    {u.image && <div className="muted small wrap">{u.image}</div>}
                  </td>
                  <td>
                    <span className={`badge tone-${ACTION_TONE[u.action]}`}>{ACTION_LABEL[u.action]}</span>
                  </td>
                  <td>
                    {u.currentDigests.length === 0 ? (
                      <span className="muted">—</span>
                    ) : (
                      u.currentDigests.map((d) => <Digest key={d} value={d} />)
                    )}
                  </td>
                  <td>
                    <Digest value={u.targetDigest} />
                  </td>
                  <td className="wrap small">{u.reason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </div>
  );
}
