import { createHash, createHmac } from 'node:crypto';
import type { IceServers } from '@lineup/protocol';

/*
 * The STUN and TURN servers a browser is given for its calls (docs/calls.md,
 * TURN). TURN needs credentials; Lineup mints short-lived ones with the
 * shared-secret scheme coturn calls `use-auth-secret` (the "TURN REST API"):
 * the username is `<expiry in epoch seconds>:<label>` and the password is
 * base64(HMAC-SHA1(secret, username)). coturn recomputes the HMAC with the
 * same secret and refuses a username whose expiry has passed, so no
 * per-user state is shared between Lineup and the TURN server, and a leaked
 * credential dies on its own.
 */

/** Where browsers find STUN and TURN, and how TURN credentials are made. */
export interface IceSettings {
  /** STUN servers, e.g. stun:turn.example.com:3478. */
  stunUrls: readonly string[];
  /** TURN servers, e.g. turn:turn.example.com:3478?transport=udp; none without a secret. */
  turnUrls: readonly string[];
  /** coturn's static-auth-secret; without it no TURN server is given. */
  turnSecret: string | null;
  /** How long a TURN credential stays valid. */
  turnTtlSeconds: number;
}

/** The ICE settings by default: no STUN or TURN (calls on a LAN or loopback need neither). */
export const iceSettingsDefault: IceSettings = {
  stunUrls: [],
  turnUrls: [],
  turnSecret: null,
  turnTtlSeconds: 3_600,
};

/**
 * A label for the username that names nobody: a hash of the tenant, role and
 * subject. coturn logs usernames; a customer's id has no place in its log,
 * yet one person's allocations still group under one label.
 */
function labelOf(who: { tenantId: string; role: string; subject: string }): string {
  return createHash('sha256')
    .update(`${who.tenantId}\n${who.role}\n${who.subject}`)
    .digest('base64url')
    .slice(0, 16);
}

/** The TURN REST password of a username: base64(HMAC-SHA1(secret, username)). */
export function turnCredentialOf(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username).digest('base64');
}

/** The ICE servers for one person now, with TURN credentials valid for the settings' TTL. */
export function iceServersFor(
  settings: IceSettings,
  who: { tenantId: string; role: string; subject: string },
  nowMs: number,
): IceServers {
  const iceServers: IceServers['iceServers'] = [];
  if (settings.stunUrls.length > 0) iceServers.push({ urls: [...settings.stunUrls] });
  if (settings.turnSecret === null || settings.turnUrls.length === 0) {
    return { iceServers, ttlSeconds: 0 };
  }
  const expirySeconds = Math.floor(nowMs / 1_000) + settings.turnTtlSeconds;
  const username = `${expirySeconds}:${labelOf(who)}`;
  iceServers.push({
    urls: [...settings.turnUrls],
    username,
    credential: turnCredentialOf(settings.turnSecret, username),
  });
  return { iceServers, ttlSeconds: settings.turnTtlSeconds };
}
