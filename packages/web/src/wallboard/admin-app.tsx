import { useEffect, useState, type ReactNode } from 'react';
import { LineupSupervisor, type AgentView, type QueueView } from '@lineup/sdk';
import { messageOf } from '../shared/messages.ts';
import type { SignedInProps } from '../shared/signed-in-page.tsx';
import { useWords } from '../shared/i18n.tsx';
import { BoardTopBar } from './board-top-bar.tsx';
import { adminWords } from './admin-words.ts';
import { AdminAccess } from './admin-access.tsx';
import { AdminAgents } from './admin-agents.tsx';
import { AdminQueues } from './admin-queues.tsx';

/*
 * The admin page (/wallboard/#admin): the tenant's queues, agents and the
 * queues each may serve with its priority, API keys and webhooks, through the
 * same REST API as everyone else (the SDK's supervisor methods). A supervisor
 * token runs its tenant, admin calls included (docs/api.md, Authentication),
 * so the page signs in with the wallboard's token; no API key reaches the browser.
 */

/** The address fragment that opens the admin page instead of the wallboard. */
export const adminFragment = '#admin';

/** Whether the address asks for the admin page; follows the fragment as it changes. */
export function useIsAdminPage(): boolean {
  const [isAdmin, setIsAdmin] = useState(() => window.location.hash === adminFragment);
  useEffect(() => {
    const follow = () => {
      setIsAdmin(window.location.hash === adminFragment);
    };
    window.addEventListener('hashchange', follow);
    return () => {
      window.removeEventListener('hashchange', follow);
    };
  }, []);
  return isAdmin;
}

/** What each section needs: the client, how to run an action, and how to read everything again. */
export interface AdminSectionProps {
  supervisor: LineupSupervisor;
  act: (action: () => Promise<unknown>) => Promise<boolean>;
  reload: () => void;
}

/** A table of the admin page: its column heads, then a last column of actions. */
export function AdminTable({ heads, children }: { heads: readonly string[]; children: ReactNode }) {
  const t = useWords(adminWords);
  return (
    <table className="admin-table">
      <thead>
        <tr>
          {heads.map((head) => (
            <th key={head} scope="col">
              {head}
            </th>
          ))}
          <th scope="col">
            <span className="visually-hidden">{t.actions}</span>
          </th>
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}

/** The admin page of the tenant the supervisor token names. */
export function AdminApp({ url, token, onSignOut }: SignedInProps) {
  const t = useWords(adminWords);
  const [supervisor, setSupervisor] = useState<LineupSupervisor | null>(null);
  const [queues, setQueues] = useState<QueueView[] | null>(null);
  const [agents, setAgents] = useState<AgentView[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    const client = new LineupSupervisor({ url, token });
    setSupervisor(client);
    return () => {
      client.close();
    };
  }, [url, token]);

  useEffect(() => {
    if (supervisor === null) return;
    let isCurrent = true;
    Promise.all([supervisor.queues({ limit: 1_000 }), supervisor.agents({ limit: 1_000 })]).then(
      ([queuePage, agentPage]) => {
        if (!isCurrent) return;
        setQueues(queuePage.items);
        setAgents(agentPage.items);
      },
      (error: unknown) => {
        if (isCurrent) setFailure(messageOf(error));
      },
    );
    return () => {
      isCurrent = false;
    };
  }, [supervisor, generation]);

  useEffect(() => {
    document.title = t.pageTitle;
  }, [t]);

  if (supervisor === null) return null;
  const reload = () => {
    setGeneration((current) => current + 1);
  };
  const act = async (action: () => Promise<unknown>): Promise<boolean> => {
    setFailure(null);
    try {
      await action();
      reload();
      return true;
    } catch (error: unknown) {
      setFailure(messageOf(error));
      return false;
    }
  };
  const section = { supervisor, act, reload };
  return (
    <div className="board admin">
      <BoardTopBar
        title={t.administration}
        other={{ href: '#', label: t.wallboard }}
        signOutLabel={t.signOut}
        onSignOut={() => {
          supervisor.close();
          onSignOut();
        }}
      />
      {failure === null ? null : (
        <p className="banner error" role="alert">
          {failure}
        </p>
      )}
      {queues === null || agents === null ? (
        <p className="muted">{t.readingTenant}</p>
      ) : (
        <div className="admin-body">
          <AdminQueues {...section} queues={queues} />
          <AdminAgents {...section} agents={agents} queues={queues} />
          <AdminAccess {...section} />
        </div>
      )}
    </div>
  );
}
