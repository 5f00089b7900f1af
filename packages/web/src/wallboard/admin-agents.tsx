import { useState } from 'react';
import { asAgentId, type QueueId } from '@lineup/protocol';
import type { AgentView, Assignment, QueueView } from '@lineup/sdk';
import { useRead } from '../shared/use-read.ts';
import { AdminTable, type AdminSectionProps } from './admin-app.tsx';
import { NumberField, TextField } from './admin-fields.tsx';
import { useWords } from '../shared/i18n.tsx';
import { adminWords } from './admin-words.ts';

/*
 * The agents: create, rename, change the chat capacity, remove a logged-out
 * one; and for each, the queues it may serve with its priority there (its
 * assignments, ADR 0017), which the agent then turns on and off itself.
 */

/** The agents table, a new agent's form, and the chosen agent's queues. */
export function AdminAgents({
  supervisor,
  act,
  agents,
  queues,
}: AdminSectionProps & { agents: readonly AgentView[]; queues: readonly QueueView[] }) {
  const t = useWords(adminWords);
  const [chosen, setChosen] = useState<AgentView['id'] | null>(null);
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [chats, setChats] = useState(3);
  const chosenAgent = agents.find((agent) => agent.id === chosen);
  return (
    <section className="card" aria-label={t.agents}>
      <h2>{t.agents}</h2>
      <AdminTable heads={[t.id, t.name, t.chatsAtOnce, t.servesNow, t.state]}>
        {agents.map((agent) => (
          <AgentRow
            key={`${agent.id} ${agent.name} ${agent.capacity.chat}`}
            agent={agent}
            onSave={(changes) => act(() => supervisor.updateAgent(agent.id, changes))}
            onQueues={() => {
              setChosen(agent.id);
            }}
            onRemove={() => act(() => supervisor.deleteAgent(agent.id))}
          />
        ))}
      </AdminTable>
      {chosenAgent === undefined ? null : (
        <Assignments
          key={chosenAgent.id + JSON.stringify(chosenAgent.memberships)}
          supervisor={supervisor}
          act={act}
          agent={chosenAgent}
          queues={queues}
          onClose={() => {
            setChosen(null);
          }}
        />
      )}
      <form
        className="admin-form"
        aria-label={t.newAgent}
        onSubmit={(event) => {
          event.preventDefault();
          void act(() =>
            supervisor.createAgent({
              id: asAgentId(id.trim()),
              name: name.trim(),
              capacity: { chat: chats },
            }),
          ).then((isDone) => {
            if (!isDone) return;
            setId('');
            setName('');
          });
        }}
      >
        <h3>{t.newAgent}</h3>
        <TextField label={t.id} value={id} onChange={setId} isRequired lengthMax={128} />
        <TextField label={t.name} value={name} onChange={setName} isRequired />
        <NumberField label={t.chatsAtOnce} value={chats} onChange={setChats} min={0} />
        <div className="actions">
          <button type="submit">{t.createAgent}</button>
        </div>
      </form>
    </section>
  );
}

/** One agent's row: its name and chat capacity editable in place. */
function AgentRow({
  agent,
  onSave,
  onQueues,
  onRemove,
}: {
  agent: AgentView;
  onSave: (changes: { name: string; capacity: { chat: number } }) => Promise<boolean>;
  onQueues: () => void;
  onRemove: () => Promise<boolean>;
}) {
  const t = useWords(adminWords);
  const [name, setName] = useState(agent.name);
  const [chats, setChats] = useState(agent.capacity.chat);
  const isChanged = name !== agent.name || chats !== agent.capacity.chat;
  return (
    <tr>
      <td>{agent.id}</td>
      <td>
        <input
          aria-label={t.nameOf(agent.id)}
          value={name}
          onChange={(event) => {
            setName(event.target.value);
          }}
        />
      </td>
      <td>
        <input
          aria-label={t.chatsAtOnceFor(agent.id)}
          type="number"
          min={0}
          step={1}
          value={chats}
          onChange={(event) => {
            setChats(Number(event.target.value));
          }}
        />
      </td>
      <td>
        {agent.memberships.map((item) => `${item.queueId} (${item.priority})`).join(', ') || '—'}
      </td>
      <td>{agent.presence}</td>
      <td className="row-actions">
        <button
          type="button"
          className="small"
          disabled={!isChanged}
          aria-label={t.saveAgent(agent.id)}
          onClick={() => void onSave({ name: name.trim(), capacity: { chat: chats } })}
        >
          {t.save}
        </button>
        <button
          type="button"
          className="secondary small"
          aria-label={t.queuesOf(agent.id)}
          onClick={onQueues}
        >
          {t.queues}
        </button>
        <button
          type="button"
          className="danger small"
          aria-label={t.removeAgent(agent.id)}
          onClick={() => void onRemove()}
        >
          {t.remove}
        </button>
      </td>
    </tr>
  );
}

/** The queues one agent may serve, with its priority in each; add, change, take away. */
function Assignments({
  supervisor,
  act,
  agent,
  queues,
  onClose,
}: Omit<AdminSectionProps, 'reload'> & {
  agent: AgentView;
  queues: readonly QueueView[];
  onClose: () => void;
}) {
  const t = useWords(adminWords);
  const [generation, setGeneration] = useState(0);
  const [queueId, setQueueId] = useState<QueueId | ''>('');
  const [priority, setPriority] = useState(0);
  const items = useRead<Assignment[]>(() => supervisor.assignments(agent.id), generation, []);
  const change = async (action: () => Promise<unknown>) => {
    if (await act(action)) setGeneration((current) => current + 1);
  };
  const nameOf = (id: QueueId) => queues.find((queue) => queue.id === id)?.name ?? id;
  const unassigned = queues.filter((queue) => !items?.some((item) => item.queueId === queue.id));
  return (
    <div className="admin-form" role="region" aria-label={t.queuesOf(agent.name)}>
      <h3>{t.queuesMayServe(agent.name)}</h3>
      {items === null ? null : items.length === 0 ? (
        <p className="muted">{t.noneYet}</p>
      ) : (
        <ul className="assignments">
          {items.map((item) => (
            <AssignmentRow
              key={`${item.queueId} ${item.priority}`}
              item={item}
              name={nameOf(item.queueId)}
              onPriority={(value) =>
                void change(() => supervisor.assign(agent.id, item.queueId, value))
              }
              onRemove={() => void change(() => supervisor.unassign(agent.id, item.queueId))}
            />
          ))}
        </ul>
      )}
      <form
        className="inline-form"
        aria-label={t.assignQueueTo(agent.name)}
        onSubmit={(event) => {
          event.preventDefault();
          if (queueId === '') return;
          void change(() => supervisor.assign(agent.id, queueId, priority));
          setQueueId('');
        }}
      >
        <label>
          {t.queue}
          <select
            value={queueId}
            onChange={(event) => {
              setQueueId(event.target.value as QueueId);
            }}
          >
            <option value="">{t.choose}</option>
            {unassigned.map((queue) => (
              <option key={queue.id} value={queue.id}>
                {queue.name}
              </option>
            ))}
          </select>
        </label>
        <NumberField label={t.priority} value={priority} onChange={setPriority} />
        <button type="submit" disabled={queueId === ''}>
          {t.assign}
        </button>
        <button type="button" className="secondary" onClick={onClose}>
          {t.close}
        </button>
      </form>
    </div>
  );
}

function AssignmentRow({
  item,
  name,
  onPriority,
  onRemove,
}: {
  item: Assignment;
  name: string;
  onPriority: (priority: number) => void;
  onRemove: () => void;
}) {
  const t = useWords(adminWords);
  const [priority, setPriority] = useState(item.priority);
  return (
    <li>
      <span>
        {name} {item.isServing ? <span className="muted">{t.servingNow}</span> : null}
      </span>
      <NumberField label={t.priorityIn(name)} value={priority} onChange={setPriority} />
      <button
        type="button"
        className="small"
        disabled={priority === item.priority}
        onClick={() => {
          onPriority(priority);
        }}
      >
        {t.savePriority}
      </button>
      <button type="button" className="danger small" onClick={onRemove}>
        {t.takeAway(name)}
      </button>
    </li>
  );
}
