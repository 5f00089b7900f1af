import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { announcementLengthMax, type QueueStatus } from '@lineup/protocol';
import { LineupSupervisor, type ConnectionChange, type QueueView } from '@lineup/sdk';
import { supervisorCallClient } from '../shared/calls/call-client.ts';
import { ConnectionNote } from '../shared/connection-note.tsx';
import { useWords } from '../shared/i18n.tsx';
import { BoardTopBar } from './board-top-bar.tsx';
import { sharedWords } from '../shared/shared-words.ts';
import type { SignedInProps } from '../shared/signed-in-page.tsx';
import { AgentTable } from './agent-table.tsx';
import { LiveCalls } from './live-calls.tsx';
import { WaitingTable } from './waiting-table.tsx';
import { HourChart } from './hour-chart.tsx';
import { sampleEveryMs, withHistory, withSample, type Sample } from './samples.ts';
import { useNow } from '../shared/use-now.ts';
import { clockOf, percentOf } from '../shared/words.ts';
import { serviceLevelLevel, staffingLevel, waitLevel, worst, type Level } from './thresholds.ts';
import { wallboardWords } from './wallboard-words.ts';

/*
 * The supervisor wallboard: one tile per queue with its live numbers. The
 * list comes from `queues()`; each `queueStatusChanged` replaces a queue's
 * status; queues created or deleted make it read the list again. Only the
 * longest wait moves between events, counted from the server's
 * `longestWaitingSinceMs` on this screen's clock.
 */

/** Queues read per page; the server allows up to 1000. */
const pageLimit = 1000;
/** Pages read at most: a wallboard of more than 10,000 queues shows the first 10,000. */
const pagesMax = 10;

async function allQueues(supervisor: LineupSupervisor): Promise<QueueView[]> {
  const queues: QueueView[] = [];
  let after: string | null = null;
  for (let page = 0; page < pagesMax; page++) {
    const read = await supervisor.queues(
      after === null ? { limit: pageLimit } : { limit: pageLimit, after },
    );
    queues.push(...read.items);
    after = read.next;
    if (after === null) break;
  }
  return queues;
}

/** How often the queues' ASA (the last 15 minutes, from their reports) is read again. */
const asaEveryMs = 5_000;
/** Queues whose report is read for the ASA, at most: the report is one request a queue. */
const asaQueuesMax = 200;

/**
 * The average speed of answer of each queue over the last 15 minutes, read
 * from the queues' reports every few seconds (the live status does not carry
 * it); absent while unread.
 */
function useAsa(
  supervisor: LineupSupervisor | null,
  queues: readonly QueueView[] | null,
): ReadonlyMap<string, number | null> {
  const [asa, setAsa] = useState<ReadonlyMap<string, number | null>>(new Map());
  const ids = (queues ?? []).slice(0, asaQueuesMax).map((queue) => queue.id);
  const key = ids.join(' ');
  useEffect(() => {
    if (supervisor === null || key === '') return;
    const queueIds = key.split(' ') as QueueView['id'][];
    const read = () => {
      void Promise.all(
        queueIds.map((queueId) =>
          supervisor.queueReport(queueId).then(
            (report) => [queueId, report.window.asaMs] as const,
            () => null,
          ),
        ),
      ).then((reports) => {
        setAsa(new Map(reports.filter((entry) => entry !== null)));
      });
    };
    read();
    const timer = setInterval(read, asaEveryMs);
    return () => {
      clearInterval(timer);
    };
  }, [supervisor, key]);
  return asa;
}

/**
 * Each queue's samples for its chart: the server's minutes of the hour before
 * the page opened (read once per queue), then one per sampling step from the
 * statuses the wallboard holds, the last hour kept.
 */
function useSamples(
  supervisor: LineupSupervisor | null,
  queues: readonly QueueView[] | null,
): ReadonlyMap<string, Sample[]> {
  const [samples, setSamples] = useState<ReadonlyMap<string, Sample[]>>(new Map());
  // The history is read for the first asaQueuesMax queues, once each: one request a queue.
  const historyRead = useRef(new Set<string>());
  const ids = (queues ?? []).slice(0, asaQueuesMax).map((queue) => queue.id);
  const key = ids.join(' ');
  useEffect(() => {
    if (supervisor === null || key === '') return;
    for (const queueId of key.split(' ') as QueueView['id'][]) {
      if (historyRead.current.has(queueId)) continue;
      historyRead.current.add(queueId);
      supervisor.queueSamples(queueId).then(
        (history) => {
          setSamples((current) => {
            const next = new Map(current);
            next.set(queueId, withHistory(current.get(queueId) ?? [], history));
            return next;
          });
        },
        () => {
          // Without its history the chart starts now; the next page load tries again.
        },
      );
    }
  }, [supervisor, key]);
  const latest = useRef(queues);
  latest.current = queues;
  useEffect(() => {
    const take = () => {
      const atMs = Date.now();
      setSamples((current) => {
        const next = new Map<string, Sample[]>();
        for (const queue of latest.current ?? []) {
          const { waiting, serviceLevel } = queue.status;
          next.set(
            queue.id,
            withSample(current.get(queue.id) ?? [], { atMs, waiting, serviceLevel }),
          );
        }
        return next;
      });
    };
    take();
    const timer = setInterval(take, sampleEveryMs);
    return () => {
      clearInterval(timer);
    };
  }, []);
  // A change between two steps replaces the step's sample, so that a peak is not missed.
  useEffect(() => {
    if (queues === null) return;
    const atMs = Date.now();
    setSamples((current) => {
      const next = new Map(current);
      for (const queue of queues) {
        const { waiting, serviceLevel } = queue.status;
        next.set(
          queue.id,
          withSample(current.get(queue.id) ?? [], { atMs, waiting, serviceLevel }),
        );
      }
      return next;
    });
  }, [queues]);
  return samples;
}

/** The wallboard of the tenant the supervisor token names. */
export function WallboardApp({ url, token, onSignOut }: SignedInProps) {
  const [connection, setConnection] = useState<ConnectionChange | null>(null);
  const [queues, setQueues] = useState<QueueView[] | null>(null);
  /** Why the queues could not be read; shown in the language of the moment. */
  const [failure, setFailure] = useState<{ error: unknown } | null>(null);
  const [supervisor, setSupervisor] = useState<LineupSupervisor | null>(null);
  const t = useWords(wallboardWords);
  const shared = useWords(sharedWords);

  const reread = useCallback((client: LineupSupervisor) => {
    allQueues(client).then(
      (read) => {
        setQueues(read);
        setFailure(null);
      },
      (error: unknown) => {
        setFailure({ error });
      },
    );
  }, []);

  useEffect(() => {
    const client = new LineupSupervisor({ url, token });
    client.on('connection', (change) => {
      setConnection(change);
      // After a gap the statuses missed are not replayed: read them all again.
      if (change.state === 'open') reread(client);
    });
    client.on('queueStatusChanged', ({ status }) => {
      setQueues((current) =>
        current === null
          ? current
          : current.map((queue) => (queue.id === status.queueId ? { ...queue, status } : queue)),
      );
    });
    const listChanged = () => {
      reread(client);
    };
    client.on('queueCreated', listChanged);
    client.on('queueUpdated', listChanged);
    client.on('queueDeleted', listChanged);
    setSupervisor(client);
    return () => {
      client.close();
    };
  }, [url, token, reread]);

  const [subject, setSubject] = useState<string | null>(null);
  useEffect(() => {
    void supervisor?.opened().then(
      (welcome) => {
        setSubject(welcome.subject);
      },
      () => undefined,
    );
  }, [supervisor]);
  const callClient = useMemo(
    () => (supervisor === null ? null : supervisorCallClient(supervisor)),
    [supervisor],
  );
  const nowMs = useNow();
  const asa = useAsa(supervisor, queues);
  const samples = useSamples(supervisor, queues);
  const [watched, setWatched] = useState<QueueView['id'] | null>(null);
  const watchedQueue = queues?.find((queue) => queue.id === watched);
  return (
    <div className="board">
      <BoardTopBar
        title={t.wallboard}
        other={{ href: '#admin', label: t.administration }}
        signOutLabel={shared.signOut}
        onSignOut={() => {
          supervisor?.close();
          onSignOut();
        }}
      />
      <ConnectionNote change={connection} />
      {failure === null ? null : (
        <p className="banner error" role="alert">
          {failure.error instanceof Error ? failure.error.message : t.queuesUnread}
        </p>
      )}
      {queues === null ? (
        <p className="muted board-empty">{shared.loading}</p>
      ) : queues.length === 0 ? (
        <p className="muted board-empty">{t.noQueues}</p>
      ) : (
        <div className="tiles">
          {queues.map((queue) => (
            <QueueTile
              key={queue.id}
              queue={queue}
              nowMs={nowMs}
              asaMs={asa.get(queue.id)}
              samples={samples.get(queue.id) ?? []}
              onShowWaiting={() => {
                setWatched(queue.id);
              }}
            />
          ))}
        </div>
      )}
      {supervisor === null || watchedQueue === undefined ? null : (
        <WaitingTable
          supervisor={supervisor}
          queueId={watchedQueue.id}
          queueName={watchedQueue.name}
          nowMs={nowMs}
          onClose={() => {
            setWatched(null);
          }}
        />
      )}
      {supervisor === null ? null : <AnnounceCard supervisor={supervisor} />}
      {supervisor === null ? null : <AgentTable supervisor={supervisor} />}
      {callClient === null || subject === null ? null : (
        <LiveCalls client={callClient} subject={subject} />
      )}
    </div>
  );
}

/** Broadcasts an announcement to every agent of the tenant. */
function AnnounceCard({ supervisor }: { supervisor: LineupSupervisor }) {
  const [text, setText] = useState('');
  const [outcome, setOutcome] = useState<{ isSent: boolean; words: string } | null>(null);
  const t = useWords(wallboardWords);
  const shared = useWords(sharedWords);
  return (
    <section className="card announce-card" aria-label={t.announcements}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const message = text.trim();
          if (message === '') return;
          supervisor.announce(message).then(
            () => {
              setOutcome({ isSent: true, words: t.sentToEveryAgent(message) });
              setText('');
            },
            (error: unknown) => {
              setOutcome({
                isSent: false,
                words: error instanceof Error ? error.message : t.announcementNotSent,
              });
            },
          );
        }}
      >
        <label>
          {t.announcementToAgents}
          <input
            type="text"
            value={text}
            maxLength={announcementLengthMax}
            placeholder={t.announcementExample}
            onChange={(event) => {
              setText(event.target.value);
            }}
          />
        </label>
        <button type="submit" disabled={text.trim() === ''}>
          {shared.send}
        </button>
      </form>
      {outcome === null ? null : (
        <p role={outcome.isSent ? 'status' : 'alert'} className={outcome.isSent ? '' : 'error'}>
          {outcome.words}
        </p>
      )}
    </section>
  );
}

function longestWaitMs(status: QueueStatus, nowMs: number): number {
  return status.longestWaitingSinceMs === null
    ? 0
    : Math.max(0, nowMs - status.longestWaitingSinceMs);
}

function Metric({
  name,
  label,
  value,
  level = 'ok',
}: {
  name: string;
  label: string;
  value: string;
  level?: Level;
}) {
  const t = useWords(wallboardWords);
  return (
    <div className={`metric metric-${name} level-${level}`}>
      <dt>{label}</dt>
      <dd>
        {value}
        {level === 'ok' ? null : (
          <span className="visually-hidden">{level === 'alert' ? t.alert : t.warning}</span>
        )}
      </dd>
    </div>
  );
}

function QueueTile({
  queue,
  nowMs,
  asaMs,
  samples,
  onShowWaiting,
}: {
  queue: QueueView;
  nowMs: number;
  /** The last 15 minutes' ASA; null with no answer in them, undefined while unread. */
  asaMs: number | null | undefined;
  samples: readonly Sample[];
  onShowWaiting: () => void;
}) {
  const { status } = queue;
  const waitMs = longestWaitMs(status, nowMs);
  const levels = {
    wait: waitLevel(waitMs, queue.serviceLevelThresholdMs),
    serviceLevel: serviceLevelLevel(status.serviceLevel),
    staffing: staffingLevel(status),
  };
  const tileLevel = worst(levels.wait, levels.serviceLevel, levels.staffing);
  const t = useWords(wallboardWords);
  const state = !status.isOpen ? 'closed' : status.isOffline ? 'offline' : 'open';
  return (
    <section
      className={`card tile level-${tileLevel}`}
      aria-label={queue.name}
      data-queue={queue.id}
    >
      <header className="tile-head">
        <h2>{queue.name}</h2>
        <span className={`state state-${state}`}>{t[state]}</span>
      </header>
      <dl className="metrics">
        <Metric
          name="waiting"
          label={t.waiting}
          value={String(status.waiting)}
          level={levels.staffing}
        />
        <Metric
          name="longest-wait"
          label={t.longestWait}
          value={clockOf(waitMs)}
          level={levels.wait}
        />
        <Metric
          name="ewt"
          label={t.ewt}
          value={status.ewtMs === null ? '—' : clockOf(status.ewtMs)}
        />
        <Metric
          name="service-level"
          label={t.serviceLevel}
          value={percentOf(status.serviceLevel)}
          level={levels.serviceLevel}
        />
        <Metric name="asa" label={t.asa} value={asaMs == null ? '—' : clockOf(asaMs)} />
        <Metric name="abandoned" label={t.abandoned} value={percentOf(status.abandonRate)} />
        <Metric name="offered" label={t.ringing} value={String(status.offered)} />
      </dl>
      <dl className="agents" aria-label={t.agentsByState}>
        <Metric name="ready" label={t.ready} value={String(status.agents.ready)} />
        <Metric name="busy" label={t.busy} value={String(status.agents.busy)} />
        <Metric name="wrap-up" label={t.wrapUp} value={String(status.agents.wrapUp)} />
        <Metric name="not-ready" label={t.notReady} value={String(status.agents.notReady)} />
      </dl>
      <HourChart samples={samples} label={t.lastHourOf(queue.name)} />
      <button type="button" className="secondary small" onClick={onShowWaiting}>
        {t.whoIsWaiting}
      </button>
    </section>
  );
}
