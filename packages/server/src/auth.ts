import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import {
  Role,
  Scope,
  rejection,
  roleList,
  scopeList,
  tokenTtlSeconds,
  type Rejection,
  type TenantId,
} from '@lineup/protocol';
import type { Clock } from './clock.ts';
import type { ServerStore } from './store.ts';

/*
 * Who is calling (docs/api.md, Authentication). Three kinds of credential,
 * all sent as `Authorization: Bearer …` (or in a socket's hello):
 *
 * - the operator key (`lo_…`): the server's owner; creates tenants and may do
 *   anything in any tenant. One per server, stored hashed.
 * - tenant API keys (`lk_<id>_<secret>`): a back-end's credential for one
 *   tenant, with scopes; shown once on creation, stored hashed, revocable.
 * - tokens: short-lived signed JWTs (HS256, jose) minted through the API for
 *   one person in one tenant — a customer, an agent or a supervisor.
 *
 * Keys are random (32 bytes), so one SHA-256 is a sound hash for them; a
 * slow password hash would add nothing but latency to every request.
 */

/** A caller whose credential was checked. */
export type Principal =
  | { kind: 'operator' }
  | { kind: 'key'; tenantId: TenantId; keyId: string; scopes: readonly Scope[] }
  | { kind: 'token'; tenantId: TenantId; role: Role; subject: string; expiresAtMs: number };

/** An API key as listed: never its secret. */
export interface ApiKeyView {
  id: string;
  name: string;
  scopes: Scope[];
  createdAtMs: number;
}

/** API keys one tenant may hold (revoked ones not counted). */
export const apiKeysPerTenantMax = 100;

const operatorKeySetting = 'operator_key_hash';
const tokenSecretSetting = 'token_secret';
const operatorPrefix = 'lo_';
const keyPrefix = 'lk_';
const issuer = 'lineup';
/** Characters of a key's public id. */
const keyIdLength = 12;

/** What an operator key given by its owner must look like: lo_ and at least 24 more characters. */
export const operatorKeyPattern = /^lo_[A-Za-z0-9_-]{24,200}$/;

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const randomToken = (bytes: number): string => randomBytes(bytes).toString('base64url');

/** Compares two hex hashes in constant time. */
function isSameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

const unauthorized = (message: string, reason: string): Rejection =>
  rejection('unauthorized', message, { reason });

interface KeyRow {
  id: string;
  tenant_id: string;
  name: string;
  scopes: string;
  hash: string;
  created_at_ms: number;
}

/** How the server's credentials are set up. */
export interface AuthOptions {
  store: ServerStore;
  clock: Clock;
  /**
   * The operator key to accept: replaces the stored one when given (a lost
   * key is reset this way). Without one, a first start mints a key.
   */
  operatorKey?: string;
}

/** Checks credentials and issues them. */
export class Auth {
  readonly #store: ServerStore;
  readonly #clock: Clock;
  readonly #secret: Uint8Array;
  #operatorKeyHash: string;
  /** Live (unrevoked) keys by id: a request never reads the disk to authenticate. */
  readonly #keys = new Map<string, KeyRow>();

  private constructor(options: AuthOptions, secret: Uint8Array, operatorKeyHash: string) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#secret = secret;
    this.#operatorKeyHash = operatorKeyHash;
    const rows = this.#store.db
      .prepare<[], KeyRow>('SELECT * FROM api_keys WHERE revoked_at_ms IS NULL')
      .all();
    for (const row of rows) this.#keys.set(row.id, row);
  }

  /**
   * Loads the credentials from the store, creating the token secret and the
   * operator key on a first start. `mintedOperatorKey` is the new operator key
   * when one was minted now: the only time anyone sees it.
   */
  static open(options: AuthOptions): { auth: Auth; mintedOperatorKey: string | null } {
    const { store } = options;
    let secret = store.setting(tokenSecretSetting);
    if (secret === null) {
      secret = randomToken(32);
      store.setSetting(tokenSecretSetting, secret);
    }
    let mintedOperatorKey: string | null = null;
    let operatorKeyHash = store.setting(operatorKeySetting);
    if (options.operatorKey !== undefined) {
      operatorKeyHash = sha256(options.operatorKey);
      store.setSetting(operatorKeySetting, operatorKeyHash);
    } else if (operatorKeyHash === null) {
      mintedOperatorKey = `${operatorPrefix}${randomToken(32)}`;
      operatorKeyHash = sha256(mintedOperatorKey);
      store.setSetting(operatorKeySetting, operatorKeyHash);
    }
    const auth = new Auth(options, Buffer.from(secret, 'base64url'), operatorKeyHash);
    return { auth, mintedOperatorKey };
  }

  /** The caller an `Authorization` header names, or why it is refused. */
  async authenticate(header: string | undefined): Promise<Principal | Rejection> {
    if (header === undefined || header === '') {
      return unauthorized(
        'Send a credential: Authorization: Bearer <API key or token>.',
        'missing',
      );
    }
    const match = /^Bearer ([^\s]+)$/i.exec(header);
    if (match?.[1] === undefined) {
      return unauthorized(
        'The Authorization header must read "Bearer <API key or token>".',
        'malformed',
      );
    }
    return this.authenticateCredential(match[1]);
  }

  /** The caller a bare credential (key or token) names, or why it is refused. */
  async authenticateCredential(credential: string): Promise<Principal | Rejection> {
    if (credential.startsWith(operatorPrefix)) {
      return isSameHash(sha256(credential), this.#operatorKeyHash)
        ? { kind: 'operator' }
        : unauthorized('This operator key is not valid.', 'invalid');
    }
    if (credential.startsWith(keyPrefix)) return this.#authenticateKey(credential);
    return this.#verifyToken(credential);
  }

  #authenticateKey(credential: string): Principal | Rejection {
    const keyId = credential.slice(keyPrefix.length, keyPrefix.length + keyIdLength);
    const row = this.#keys.get(keyId);
    if (row === undefined || !isSameHash(sha256(credential), row.hash)) {
      return unauthorized('This API key is not valid, or it was revoked.', 'invalid');
    }
    return {
      kind: 'key',
      tenantId: row.tenant_id as TenantId,
      keyId,
      scopes: JSON.parse(row.scopes) as Scope[],
    };
  }

  async #verifyToken(token: string): Promise<Principal | Rejection> {
    try {
      const { payload } = await jwtVerify(token, this.#secret, {
        issuer,
        algorithms: ['HS256'],
        currentDate: new Date(this.#clock.nowMs()),
        requiredClaims: ['exp', 'sub', 'tid', 'role'],
      });
      const { tid, role, sub, exp } = payload;
      if (typeof tid !== 'string' || typeof sub !== 'string' || typeof exp !== 'number')
        return unauthorized('This token is not one Lineup issued.', 'invalid');
      if (!roleList.includes(role as Role))
        return unauthorized('This token is not one Lineup issued.', 'invalid');
      return {
        kind: 'token',
        tenantId: tid as TenantId,
        role: role as Role,
        subject: sub,
        expiresAtMs: exp * 1000,
      };
    } catch (error: unknown) {
      if (error instanceof joseErrors.JWTExpired) {
        return unauthorized('This token has expired; ask for a new one.', 'expired');
      }
      if (error instanceof joseErrors.JOSEError) {
        return unauthorized(
          'This token is not valid: not one Lineup issued, or altered.',
          'invalid',
        );
      }
      throw error;
    }
  }

  /** Mints a token for one person of a tenant, valid for `ttlSeconds`. */
  async mintToken(
    tenantId: TenantId,
    role: Role,
    subject: string,
    ttlSeconds: number = tokenTtlSeconds.default,
  ): Promise<{ token: string; expiresAtMs: number }> {
    const nowSeconds = Math.floor(this.#clock.nowMs() / 1000);
    const expiresAtSeconds = nowSeconds + ttlSeconds;
    const token = await new SignJWT({ tid: tenantId, role })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(issuer)
      .setSubject(subject)
      .setIssuedAt(nowSeconds)
      .setExpirationTime(expiresAtSeconds)
      .sign(this.#secret);
    return { token, expiresAtMs: expiresAtSeconds * 1000 };
  }

  /** Creates an API key for a tenant; the key itself is in the result and nowhere else. */
  createKey(
    tenantId: TenantId,
    name: string,
    scopes: readonly Scope[],
  ): { view: ApiKeyView; key: string } | Rejection {
    const count = [...this.#keys.values()].filter((row) => row.tenant_id === tenantId).length;
    if (count >= apiKeysPerTenantMax) {
      return rejection(
        'limit_reached',
        `A tenant holds at most ${apiKeysPerTenantMax} API keys; revoke one first.`,
        { limit: 'apiKeysPerTenant', max: apiKeysPerTenantMax },
      );
    }
    const id = randomBytes(9).toString('base64url').slice(0, keyIdLength);
    const key = `${keyPrefix}${id}_${randomToken(32)}`;
    const unique = [...new Set(scopes)].sort((a, b) => scopeList.indexOf(a) - scopeList.indexOf(b));
    const row: KeyRow = {
      id,
      tenant_id: tenantId,
      name,
      scopes: JSON.stringify(unique),
      hash: sha256(key),
      created_at_ms: this.#clock.nowMs(),
    };
    this.#store.db
      .prepare(
        'INSERT INTO api_keys (id, tenant_id, name, scopes, hash, created_at_ms) VALUES (@id, @tenant_id, @name, @scopes, @hash, @created_at_ms)',
      )
      .run(row);
    this.#keys.set(id, row);
    return { view: viewOf(row), key };
  }

  /** A tenant's live API keys, oldest first. */
  listKeys(tenantId: TenantId): ApiKeyView[] {
    return [...this.#keys.values()]
      .filter((row) => row.tenant_id === tenantId)
      .sort((a, b) => a.created_at_ms - b.created_at_ms)
      .map(viewOf);
  }

  /** Revokes a tenant's key at once; false when it has no such live key. */
  revokeKey(tenantId: TenantId, keyId: string): boolean {
    const row = this.#keys.get(keyId);
    if (row?.tenant_id !== tenantId) return false;
    this.#store.db
      .prepare('UPDATE api_keys SET revoked_at_ms = ? WHERE id = ?')
      .run(this.#clock.nowMs(), keyId);
    this.#keys.delete(keyId);
    return true;
  }
}

function viewOf(row: KeyRow): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    scopes: JSON.parse(row.scopes) as Scope[],
    createdAtMs: row.created_at_ms,
  };
}

/** The scopes a principal holds in its tenant; the operator holds every one everywhere. */
export function scopesOf(principal: Principal): readonly Scope[] {
  switch (principal.kind) {
    case 'operator':
      return scopeList;
    case 'key':
      return principal.scopes;
    case 'token':
      // A supervisor runs its tenant; an agent reads it and acts for itself;
      // a customer holds no scope and acts only on what is its own.
      if (principal.role === Role.supervisor) return scopeList;
      return principal.role === Role.agent ? [Scope.read] : [];
  }
}

/** Whether scopes grant `scope`: admin grants all, contacts and agents grant read. */
export function grants(scopes: readonly Scope[], scope: Scope): boolean {
  if (scopes.includes(Scope.admin) || scopes.includes(scope)) return true;
  return scope === Scope.read && (scopes.includes(Scope.contacts) || scopes.includes(Scope.agents));
}
