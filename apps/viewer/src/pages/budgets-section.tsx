import { useState } from 'preact/hooks';
import { BUDGET_WINDOWS, BudgetInput } from '@sightline/contracts';
import type { Budget } from '@sightline/contracts';
import { api } from '../api/client.ts';
import { useResource } from '../use-resource.ts';
import { formatPercent, formatUsd } from '../model/format.ts';
import { Badge, Empty, ErrorBox, Loading } from '../components/ui.tsx';

function windowLabel(b: Budget): string {
  return b.window === 'rolling' ? `rolling ${b.rollingHours} h` : `per ${b.window} (UTC)`;
}

/**
 * Spend budgets: the SDK's budget guard asks the server before each call and refuses once a budget
 * is spent. Spend shown here is the server's own status answer (project budgets, and per-user ones
 * that name a user).
 */
export function BudgetsSection() {
  const budgets = useResource((signal) => api.listBudgets(signal), [], { refreshMs: 30_000 });
  const userIds = [...new Set((budgets.data?.items ?? []).map((b) => b.userId).filter((u): u is string => u !== null))];
  const status = useResource(
    async (signal) => {
      const answers = await Promise.all([api.budgetStatus(undefined, signal), ...userIds.map((u) => api.budgetStatus(u, signal))]);
      const spent = new Map<string, number>();
      for (const a of answers) for (const b of a.budgets) spent.set(b.id, b.spentUsd);
      return spent;
    },
    [budgets.data, userIds.join('\u0000')],
    { enabled: budgets.data !== undefined },
  );
  const [scope, setScope] = useState<'project' | 'user'>('project');
  const [windowKind, setWindowKind] = useState<string>('month');
  const [issues, setIssues] = useState<string[]>([]);
  const [error, setError] = useState<Error | undefined>(undefined);

  const create = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const text = (k: string) => String(data.get(k) ?? '').trim();
    const candidate = {
      ...(text('name') ? { name: text('name') } : {}),
      scope,
      ...(scope === 'user' && text('userId') ? { userId: text('userId') } : {}),
      limitUsd: Number(text('limitUsd')),
      window: windowKind,
      ...(windowKind === 'rolling' ? { rollingHours: Number(text('rollingHours') || '24') } : {}),
    };
    const parsed = BudgetInput.safeParse(candidate);
    if (!parsed.success) {
      setIssues(parsed.error.issues.map((i) => `${i.path.join('.') || 'budget'}: ${i.message}`));
      return;
    }
    setIssues([]);
    setError(undefined);
    try {
      await api.createBudget(candidate as BudgetInput);
      form.reset();
      budgets.reload();
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    }
  };
  const remove = async (b: Budget) => {
    if (!window.confirm(`Delete budget "${b.name}"?`)) return;
    try {
      await api.deleteBudget(b.id);
      budgets.reload();
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    }
  };

  return (
    <>
      <h2>Budgets</h2>
      {error && <ErrorBox error={error} />}
      {budgets.error ? (
        <ErrorBox error={budgets.error} onRetry={budgets.reload} />
      ) : !budgets.data ? (
        <Loading />
      ) : budgets.data.items.length === 0 ? (
        <Empty>No budgets.</Empty>
      ) : (
        <table class="data" aria-label="Budgets">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Applies to</th>
              <th scope="col">Window</th>
              <th scope="col">Limit</th>
              <th scope="col">Spent</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {budgets.data.items.map((b) => {
              const spent = status.data?.get(b.id);
              return (
                <tr key={b.id}>
                  <td>{b.name}</td>
                  <td>{b.scope === 'project' ? 'whole project' : b.userId ? `user ${b.userId}` : 'each user'}</td>
                  <td>{windowLabel(b)}</td>
                  <td class="num">{formatUsd(b.limitUsd)}</td>
                  <td class="num">
                    {spent === undefined ? (
                      <span class="subtle">{b.scope === 'user' && !b.userId ? 'per user' : '—'}</span>
                    ) : (
                      <>
                        {formatUsd(spent)} <span class="subtle">({formatPercent(spent / b.limitUsd)})</span>
                        {spent >= b.limitUsd && <Badge tone="error">exhausted</Badge>}
                      </>
                    )}
                  </td>
                  <td>
                    <button type="button" class="small danger" onClick={() => remove(b)}>
                      Delete
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <form class="filters inline-filters" onSubmit={create} aria-label="New budget">
        <label>
          Name
          <input name="name" maxLength={200} placeholder="optional" />
        </label>
        <label>
          Scope
          <select name="scope" value={scope} onChange={(e) => setScope(e.currentTarget.value === 'user' ? 'user' : 'project')}>
            <option value="project">Whole project</option>
            <option value="user">Per user</option>
          </select>
        </label>
        {scope === 'user' && (
          <label>
            User
            <input name="userId" placeholder="every user when empty" />
          </label>
        )}
        <label>
          Limit (USD)
          <input name="limitUsd" type="number" min="0" step="any" required />
        </label>
        <label>
          Window
          <select name="window" value={windowKind} onChange={(e) => setWindowKind(e.currentTarget.value)}>
            {BUDGET_WINDOWS.map((w) => (
              <option key={w} value={w}>
                {w}
              </option>
            ))}
          </select>
        </label>
        {windowKind === 'rolling' && (
          <label>
            Hours
            <input name="rollingHours" type="number" min="1" max="744" step="1" defaultValue="24" />
          </label>
        )}
        <button type="submit">Add budget</button>
      </form>
      {issues.length > 0 && (
        <ul class="field-error" role="alert">
          {issues.map((i) => (
            <li key={i}>{i}</li>
          ))}
        </ul>
      )}
    </>
  );
}
