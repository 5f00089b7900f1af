/*
 * @lineup/compat: thin adapters that let front-end and script code written for
 * the products Lineup replaces keep their names and shapes, over Lineup's own
 * SDK (docs/compat.md). Lineup's model stays the one truth: every adapter
 * translates names, never decides.
 */

/** The products whose interfaces this package answers (docs/compat.md). */
export const compatProducts = ['cloudroom-queue', 'call-bar', 'acd-requests'] as const;

export {
  ACDEvents,
  ACDRequest,
  ACDRequestStatus,
  attachACDRequest,
  enqueueACDRequest,
  type ACDEventName,
  type ACDEventPayloads,
  type ACDListener,
  type ACDRequestOptions,
  type ACDStatus,
} from './acd-requests.ts';
