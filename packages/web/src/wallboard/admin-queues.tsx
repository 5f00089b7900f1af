import { useState } from 'react';
import {
  Channel,
  WhenEmpty,
  answerGreetingLengthMax,
  asQueueId,
  positionAnnouncementEveryMsOf,
  positionAnnouncementEveryMsDefault,
  type QueueChanges,
} from '@lineup/protocol';
import type { QueueView } from '@lineup/sdk';
import { AdminTable, type AdminSectionProps } from './admin-app.tsx';
import { NumberField, TextField } from './admin-fields.tsx';
import { useWords } from '../shared/i18n.tsx';
import { adminWords } from './admin-words.ts';

/*
 * The queues: create, change the main settings (with what voice and video
 * customers hear: the place announcements and the answer greeting), delete
 * an empty one. Times are edited in seconds and sent in milliseconds; every
 * other setting keeps its value (or the default, docs/routing.md).
 */

const channels: readonly Channel[] = Object.values(Channel);
const whenEmptyChoices: readonly WhenEmpty[] = Object.values(WhenEmpty);

/** The settings this page edits, as its form holds them. */
interface QueueForm {
  name: string;
  priority: number;
  channels: Channel[];
  offerTimeoutSeconds: number;
  wrapUpSeconds: number;
  serviceLevelSeconds: number;
  whenEmpty: WhenEmpty;
  isCallbackAllowed: boolean;
  announceEverySeconds: number;
  answerGreeting: string;
}

function formOf(queue: QueueView): QueueForm {
  return {
    name: queue.name,
    priority: queue.priority,
    channels: [...queue.channels],
    offerTimeoutSeconds: queue.offerTimeoutMs / 1000,
    wrapUpSeconds: queue.wrapUpMs / 1000,
    serviceLevelSeconds: queue.serviceLevelThresholdMs / 1000,
    whenEmpty: queue.whenEmpty,
    isCallbackAllowed: queue.callbacks.isAllowed,
    announceEverySeconds: positionAnnouncementEveryMsOf(queue) / 1000,
    answerGreeting: queue.answerGreeting ?? '',
  };
}

const blank: QueueForm = {
  name: '',
  priority: 0,
  channels: ['chat'],
  offerTimeoutSeconds: 20,
  wrapUpSeconds: 10,
  serviceLevelSeconds: 20,
  whenEmpty: 'wait',
  isCallbackAllowed: true,
  announceEverySeconds: positionAnnouncementEveryMsDefault / 1000,
  answerGreeting: '',
};

/** The form's settings but callbacks, whose other settings the page does not edit. */
function settingsOf(form: QueueForm): QueueChanges {
  return {
    name: form.name,
    priority: form.priority,
    channels: form.channels,
    offerTimeoutMs: Math.round(form.offerTimeoutSeconds * 1000),
    wrapUpMs: Math.round(form.wrapUpSeconds * 1000),
    serviceLevelThresholdMs: Math.round(form.serviceLevelSeconds * 1000),
    whenEmpty: form.whenEmpty,
    positionAnnouncementEveryMs: Math.round(form.announceEverySeconds * 1000),
    answerGreeting: form.answerGreeting,
  };
}

/** The queues table with its forms. */
export function AdminQueues({
  supervisor,
  act,
  queues,
}: AdminSectionProps & { queues: readonly QueueView[] }) {
  const t = useWords(adminWords);
  const [editing, setEditing] = useState<QueueView['id'] | null>(null);
  const [newId, setNewId] = useState('');
  return (
    <section className="card" aria-label={t.queues}>
      <h2>{t.queues}</h2>
      <AdminTable
        heads={[t.id, t.name, t.priority, t.channels, t.timings, t.whenNobodyServes, t.callbacks]}
      >
        {queues.map((queue) => (
          <tr key={queue.id}>
            <td>{queue.id}</td>
            <td>{queue.name}</td>
            <td>{queue.priority}</td>
            <td>{queue.channels.map((channel) => t.channelNames[channel]).join(', ')}</td>
            <td>
              {[queue.offerTimeoutMs, queue.wrapUpMs, queue.serviceLevelThresholdMs]
                .map((ms) => t.seconds(ms / 1000))
                .join(' / ')}
            </td>
            <td>{t.whenEmptyNames[queue.whenEmpty]}</td>
            <td>{queue.callbacks.isAllowed ? t.yes : t.no}</td>
            <td className="row-actions">
              <button
                type="button"
                className="secondary small"
                aria-label={t.editQueueNamed(queue.name)}
                onClick={() => {
                  setEditing(queue.id);
                }}
              >
                {t.edit}
              </button>
              <button
                type="button"
                className="danger small"
                aria-label={t.deleteQueueNamed(queue.name)}
                onClick={() => void act(() => supervisor.deleteQueue(queue.id))}
              >
                {t.delete}
              </button>
            </td>
          </tr>
        ))}
      </AdminTable>
      {queues
        .filter((queue) => queue.id === editing)
        .map((queue) => (
          <QueueEditor
            key={queue.id}
            title={t.editQueue(queue.id)}
            initial={formOf(queue)}
            onCancel={() => {
              setEditing(null);
            }}
            onSave={async (form) => {
              const isDone = await act(() =>
                supervisor.updateQueue(queue.id, {
                  ...settingsOf(form),
                  callbacks: { ...queue.callbacks, isAllowed: form.isCallbackAllowed },
                }),
              );
              if (isDone) setEditing(null);
            }}
          />
        ))}
      <QueueEditor
        title={t.newQueue}
        initial={blank}
        idField={{ value: newId, onChange: setNewId }}
        onSave={async (form) => {
          const queueId = asQueueId(newId.trim());
          const isDone = await act(async () => {
            // A new queue takes callbacks; told otherwise, it keeps the default retry settings.
            const created = await supervisor.createQueue({
              ...settingsOf(form),
              id: queueId,
              name: form.name,
            });
            if (!form.isCallbackAllowed) {
              await supervisor.updateQueue(queueId, {
                callbacks: { ...created.callbacks, isAllowed: false },
              });
            }
          });
          if (isDone) setNewId('');
        }}
      />
    </section>
  );
}

/** A queue's form: the new queue's (with its id) or an existing one's. */
function QueueEditor({
  title,
  initial,
  idField,
  onSave,
  onCancel,
}: {
  title: string;
  initial: QueueForm;
  idField?: { value: string; onChange: (value: string) => void };
  onSave: (form: QueueForm) => Promise<void>;
  onCancel?: () => void;
}) {
  const t = useWords(adminWords);
  const [form, setForm] = useState(initial);
  const set = <K extends keyof QueueForm>(key: K, value: QueueForm[K]) => {
    setForm((current) => ({ ...current, [key]: value }));
  };
  const seconds = (
    key: 'offerTimeoutSeconds' | 'wrapUpSeconds' | 'serviceLevelSeconds' | 'announceEverySeconds',
    label: string,
  ) => (
    <NumberField
      label={label}
      value={form[key]}
      min={0}
      onChange={(value) => {
        set(key, value);
      }}
    />
  );
  return (
    <form
      className="admin-form"
      aria-label={title}
      onSubmit={(event) => {
        event.preventDefault();
        void onSave(form).then(() => {
          if (idField !== undefined) setForm(initial);
        });
      }}
    >
      <h3>{title}</h3>
      {idField === undefined ? null : (
        <TextField
          label={t.id}
          value={idField.value}
          onChange={idField.onChange}
          isRequired
          lengthMax={128}
        />
      )}
      <TextField
        label={t.name}
        value={form.name}
        onChange={(value) => {
          set('name', value);
        }}
        isRequired
      />
      <NumberField
        label={t.priority}
        value={form.priority}
        onChange={(value) => {
          set('priority', value);
        }}
      />
      <fieldset>
        <legend>{t.channels}</legend>
        {channels.map((channel) => (
          <label key={channel} className="inline">
            <input
              type="checkbox"
              checked={form.channels.includes(channel)}
              onChange={(event) => {
                set(
                  'channels',
                  event.target.checked
                    ? [...form.channels, channel]
                    : form.channels.filter((other) => other !== channel),
                );
              }}
            />
            {t.channelNames[channel]}
          </label>
        ))}
      </fieldset>
      {seconds('offerTimeoutSeconds', t.offerTimeoutSeconds)}
      {seconds('wrapUpSeconds', t.wrapUpSeconds)}
      {seconds('serviceLevelSeconds', t.serviceLevelSeconds)}
      <label>
        {t.whenNobodyServesIt}
        <select
          value={form.whenEmpty}
          onChange={(event) => {
            set('whenEmpty', event.target.value as QueueForm['whenEmpty']);
          }}
        >
          {whenEmptyChoices.map((choice) => (
            <option key={choice} value={choice}>
              {t.whenEmptyNames[choice]}
            </option>
          ))}
        </select>
      </label>
      <label className="inline">
        <input
          type="checkbox"
          checked={form.isCallbackAllowed}
          onChange={(event) => {
            set('isCallbackAllowed', event.target.checked);
          }}
        />
        {t.callbacksAllowed}
      </label>
      {seconds('announceEverySeconds', t.announceEverySeconds)}
      <TextField
        label={t.answerGreeting}
        value={form.answerGreeting}
        onChange={(value) => {
          set('answerGreeting', value);
        }}
        lengthMax={answerGreetingLengthMax}
      />
      <div className="actions">
        <button type="submit">{idField === undefined ? t.saveQueue : t.createQueue}</button>
        {onCancel === undefined ? null : (
          <button type="button" className="secondary" onClick={onCancel}>
            {t.cancel}
          </button>
        )}
      </div>
    </form>
  );
}
