import { useState } from 'react';
import { scopeList, type Scope } from '@lineup/protocol';
import type { ApiKeyView, WebhookView } from '@lineup/sdk';
import { useRead } from '../shared/use-read.ts';
import { AdminTable, type AdminSectionProps } from './admin-app.tsx';

/*
 * The tenant's API keys and webhooks. A new key's secret and a new webhook's
 * signing secret are shown once, as the API answers them, and never again.
 */

/** The API keys and the webhooks. */
export function AdminAccess(props: AdminSectionProps) {
  return (
    <>
      <ApiKeys {...props} />
      <Webhooks {...props} />
    </>
  );
}

/** Reads a list once and again after each change made here. */
function useList<T>(read: () => Promise<T[]>): [T[], () => void] {
  const [generation, setGeneration] = useState(0);
  const items = useRead(read, generation, []);
  return [
    items ?? [],
    () => {
      setGeneration((current) => current + 1);
    },
  ];
}

/** A secret the API shows once (a new key, a webhook's signing secret), until the page changes. */
function ShownOnce({ what, secret }: { what: string; secret: string | null }) {
  if (secret === null) return null;
  return (
    <p className="secret" role="status">
      {what}, shown this once: <code>{secret}</code>
    </p>
  );
}

/** A row's remove button: runs the removal, then reads the list again. */
function RemoveButton({
  label,
  text,
  act,
  remove,
  readAgain,
}: {
  label: string;
  text: string;
  act: AdminSectionProps['act'];
  remove: () => Promise<void>;
  readAgain: () => void;
}) {
  return (
    <button
      type="button"
      className="danger small"
      aria-label={label}
      onClick={() => void act(remove).then(readAgain)}
    >
      {text}
    </button>
  );
}

function ApiKeys({ supervisor, act }: AdminSectionProps) {
  const [keys, readAgain] = useList<ApiKeyView>(() => supervisor.apiKeys());
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Scope[]>(['read']);
  const [shown, setShown] = useState<string | null>(null);
  return (
    <section className="card" aria-label="API keys">
      <h2>API keys</h2>
      <ShownOnce what="The new key" secret={shown} />
      <AdminTable heads={['Name', 'Scopes', 'Created']}>
        {keys.map((key) => (
          <tr key={key.id}>
            <td>{key.name}</td>
            <td>{key.scopes.join(', ')}</td>
            <td>{new Date(key.createdAtMs).toLocaleString()}</td>
            <td>
              <RemoveButton
                label={`Revoke key ${key.name}`}
                text="Revoke"
                act={act}
                remove={() => supervisor.revokeApiKey(key.id)}
                readAgain={readAgain}
              />
            </td>
          </tr>
        ))}
      </AdminTable>
      <form
        className="admin-form"
        aria-label="New API key"
        onSubmit={(event) => {
          event.preventDefault();
          void act(async () => {
            const created = await supervisor.createApiKey(name.trim(), scopes);
            setShown(created.key);
            setName('');
          }).then(readAgain);
        }}
      >
        <h3>New API key</h3>
        <label>
          What uses it
          <input
            required
            value={name}
            onChange={(event) => {
              setName(event.target.value);
            }}
          />
        </label>
        <fieldset>
          <legend>Scopes</legend>
          {scopeList.map((scope) => (
            <label key={scope} className="inline">
              <input
                type="checkbox"
                checked={scopes.includes(scope)}
                onChange={(event) => {
                  setScopes(
                    event.target.checked
                      ? [...scopes, scope]
                      : scopes.filter((other) => other !== scope),
                  );
                }}
              />
              {scope}
            </label>
          ))}
        </fieldset>
        <div className="actions">
          <button type="submit" disabled={scopes.length === 0}>
            Create key
          </button>
        </div>
      </form>
    </section>
  );
}

function Webhooks({ supervisor, act }: AdminSectionProps) {
  const [hooks, readAgain] = useList<WebhookView>(() => supervisor.webhooks());
  const [url, setUrl] = useState('');
  const [eventTypes, setEventTypes] = useState('*');
  const [description, setDescription] = useState('');
  const [shown, setShown] = useState<string | null>(null);
  return (
    <section className="card" aria-label="Webhooks">
      <h2>Webhooks</h2>
      <ShownOnce what="The webhook's signing secret" secret={shown} />
      <AdminTable heads={['Address', 'Events', 'What for']}>
        {hooks.map((hook) => (
          <tr key={hook.id}>
            <td>{hook.url}</td>
            <td>{hook.eventTypes.join(', ')}</td>
            <td>{hook.description ?? ''}</td>
            <td>
              <RemoveButton
                label={`Delete webhook ${hook.url}`}
                text="Delete"
                act={act}
                remove={() => supervisor.deleteWebhook(hook.id)}
                readAgain={readAgain}
              />
            </td>
          </tr>
        ))}
      </AdminTable>
      <form
        className="admin-form"
        aria-label="New webhook"
        onSubmit={(event) => {
          event.preventDefault();
          void act(async () => {
            const created = await supervisor.createWebhook({
              url: url.trim(),
              eventTypes: eventTypes
                .split(',')
                .map((type) => type.trim())
                .filter((type) => type !== ''),
              ...(description.trim() === '' ? {} : { description: description.trim() }),
            });
            setShown(created.secret);
            setUrl('');
            setDescription('');
          }).then(readAgain);
        }}
      >
        <h3>New webhook</h3>
        <label>
          Address (http or https)
          <input
            required
            type="url"
            value={url}
            onChange={(event) => {
              setUrl(event.target.value);
            }}
          />
        </label>
        <label>
          Event types (comma-separated, or * for all)
          <input
            required
            value={eventTypes}
            onChange={(event) => {
              setEventTypes(event.target.value);
            }}
          />
        </label>
        <label>
          What for (optional)
          <input
            value={description}
            maxLength={500}
            onChange={(event) => {
              setDescription(event.target.value);
            }}
          />
        </label>
        <div className="actions">
          <button type="submit">Create webhook</button>
        </div>
      </form>
    </section>
  );
}
