import type { QueueStatus } from '@lineup/protocol';

/*
 * When a wallboard number turns amber or red (docs/web.md, Wallboard). The
 * service-level target is the usual 80/20 of contact centers; the wait
 * colours follow the queue's own service-level threshold.
 */

/** How a number stands: fine, worth a look, or act now. */
export type Level = 'ok' | 'warn' | 'alert';

/** Service level below this is amber, below `serviceLevelAlert` red. */
export const serviceLevelTarget = 0.8;
/** Service level below this is red. */
export const serviceLevelAlert = 0.6;

/** The longest wait against the queue's threshold: amber past it, red past twice it. */
export function waitLevel(waitMs: number, thresholdMs: number): Level {
  if (waitMs > 2 * thresholdMs) return 'alert';
  if (waitMs > thresholdMs) return 'warn';
  return 'ok';
}

/** The service level of the last 15 minutes against the target. */
export function serviceLevelLevel(serviceLevel: number | null): Level {
  if (serviceLevel === null || serviceLevel >= serviceLevelTarget) return 'ok';
  return serviceLevel >= serviceLevelAlert ? 'warn' : 'alert';
}

/** Contacts waiting with nobody to take them: red when no agent is logged in, amber when none is ready. */
export function staffingLevel(status: QueueStatus): Level {
  if (status.waiting === 0) return 'ok';
  if (status.isOffline) return 'alert';
  return status.agents.ready === 0 ? 'warn' : 'ok';
}

/** The worse of some levels: a queue's tile takes its worst number's colour. */
export function worst(...levels: Level[]): Level {
  if (levels.includes('alert')) return 'alert';
  return levels.includes('warn') ? 'warn' : 'ok';
}
