import { useState } from 'react';
import { scopeList, type Scope } from '@lineup/protocol';
import type { ApiKeyView, WebhookView } from '@lineup/sdk';
import { useRead } from '../shared/use-read.ts';
import { AdminTable, type AdminSectionProps } from './admin-app.tsx';
import { TextField } from './admin-fields.tsx';
import { useWords } from '../shared/i18n.tsx';
import { adminWords } from './admin-words.ts';

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
      {what} <code>{secret}</code>
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
  const t = useWords(adminWords);
  const [keys, readAgain] = useList<ApiKeyView>(() => supervisor.apiKeys());
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Scope[]>(['read']);
  const [shown, setShown] = useState<string | null>(null);
  return (
    <section className="card" aria-label={t.apiKeys}>
      <h2>{t.apiKeys}</h2>
      <ShownOnce what={t.newKeyShown} secret={shown} />
      <AdminTable heads={[t.name, t.scopes, t.created]}>
        {keys.map((key) => (
          <tr key={key.id}>
            <td>{key.name}</td>
            <td>{key.scopes.join(', ')}</td>
            <td>{new Date(key.createdAtMs).toLocaleString()}</td>
            <td>
              <RemoveButton
                label={t.revokeKey(key.name)}
                text={t.revoke}
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
        aria-label={t.newApiKey}
        onSubmit={(event) => {
          event.preventDefault();
          void act(async () => {
            const created = await supervisor.createApiKey(name.trim(), scopes);
            setShown(created.key);
            setName('');
          }).then(readAgain);
        }}
      >
        <h3>{t.newApiKey}</h3>
        <TextField label={t.whatUsesIt} value={name} onChange={setName} isRequired />
        <fieldset>
          <legend>{t.scopes}</legend>
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
            {t.createKey}
          </button>
        </div>
      </form>
    </section>
  );
}

function Webhooks({ supervisor, act }: AdminSectionProps) {
  const t = useWords(adminWords);
  const [hooks, readAgain] = useList<WebhookView>(() => supervisor.webhooks());
  const [url, setUrl] = useState('');
  const [eventTypes, setEventTypes] = useState('*');
  const [description, setDescription] = useState('');
  const [shown, setShown] = useState<string | null>(null);
  return (
    <section className="card" aria-label={t.webhooks}>
      <h2>{t.webhooks}</h2>
      <ShownOnce what={t.secretShown} secret={shown} />
      <AdminTable heads={[t.address, t.events, t.whatFor]}>
        {hooks.map((hook) => (
          <tr key={hook.id}>
            <td>{hook.url}</td>
            <td>{hook.eventTypes.join(', ')}</td>
            <td>{hook.description ?? ''}</td>
            <td>
              <RemoveButton
                label={t.deleteWebhook(hook.url)}
                text={t.delete}
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
        aria-label={t.newWebhook}
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
        <h3>{t.newWebhook}</h3>
        <TextField label={t.addressHttp} value={url} onChange={setUrl} isRequired type="url" />
        <TextField label={t.eventTypes} value={eventTypes} onChange={setEventTypes} isRequired />
        <TextField
          label={t.whatForOptional}
          value={description}
          onChange={setDescription}
          lengthMax={500}
        />
        <div className="actions">
          <button type="submit">{t.createWebhook}</button>
        </div>
      </form>
    </section>
  );
}
