import { errorCodeList, type ErrorCode } from '@lineup/protocol';
import { ClientErrorCode, LineupError } from '@lineup/sdk';

/*
 * CloudRoom's callbacks report a number, `sdkErr`, where 0 is success
 * (docs/compat.md, CloudRoom queue API). Lineup reports a stable code word.
 * The number of a server code is its place in Lineup's registry (1 for the
 * first): the registry only ever grows at its end and never renames or reuses
 * a code, so each number stays the same forever, and a code added later has
 * its number without a change here. The SDK's own codes, which the server
 * never sends, count from 901 in the same way.
 */

/** The sdkErr of success, CloudRoom's CRVideo_NOERR. */
export const sdkErrNone = 0;

/** Where the SDK's own codes start. */
const clientCodeBase = 901;
const clientCodeList = Object.values(ClientErrorCode);

/** The sdkErr of a Lineup error code (server or SDK). */
export function sdkErrOf(code: ErrorCode | ClientErrorCode): number {
  const serverIndex = errorCodeList.indexOf(code as ErrorCode);
  if (serverIndex >= 0) return serverIndex + 1;
  const clientIndex = clientCodeList.indexOf(code as ClientErrorCode);
  if (clientIndex >= 0) return clientCodeBase + clientIndex;
  throw new TypeError(`${code} is neither a server code nor one of the SDK's.`);
}

/** The Lineup code of an sdkErr, or null for 0 and for numbers no code has. */
export function codeOfSdkErr(sdkErr: number): ErrorCode | ClientErrorCode | null {
  if (sdkErr >= clientCodeBase) return clientCodeList[sdkErr - clientCodeBase] ?? null;
  return errorCodeList[sdkErr - 1] ?? null;
}

/**
 * The sdkErr of whatever a promise of the SDK rejected with: a LineupError's
 * code, or `internal` for anything else (a programming error, reported as a
 * failure instead of being lost in a callback-style interface).
 */
export function sdkErrOfFailure(error: unknown): number {
  return sdkErrOf(error instanceof LineupError ? error.code : 'internal');
}
