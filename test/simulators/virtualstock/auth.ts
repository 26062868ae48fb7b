import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";

/**
 * JWTs shaped like djangorestframework-simplejwt's (the library behind Virtualstock's
 * /restapi/v4/token): HS256, claims token_type/exp/iat/jti/user_id. `gen` is the simulator's own
 * claim: the "expire-tokens" fault bumps the generation so every token issued before it fails.
 */
export type TokenType = "access" | "refresh";

const Claims = z.object({
  token_type: z.enum(["access", "refresh"]),
  exp: z.number(),
  iat: z.number(),
  jti: z.string(),
  user_id: z.number(),
  gen: z.number(),
});
export type TokenClaims = z.infer<typeof Claims>;

export type TokenCheck =
  | { ok: true; claims: TokenClaims }
  | { ok: false; reason: "invalid-or-expired" | "wrong-type" };

function b64url(input: Buffer | string): string {
  return Buffer.from(input).toString("base64url");
}

export interface TokenAuthorityOptions {
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  userId: number;
  now: () => number;
}

export class TokenAuthority {
  private readonly secret = randomBytes(32);
  private generation = 0;

  constructor(private readonly opts: TokenAuthorityOptions) {}

  issue(type: TokenType): string {
    const iat = Math.floor(this.opts.now() / 1000);
    const ttl = type === "access" ? this.opts.accessTtlSeconds : this.opts.refreshTtlSeconds;
    const claims: TokenClaims = {
      token_type: type,
      exp: iat + ttl,
      iat,
      jti: randomBytes(16).toString("hex"),
      user_id: this.opts.userId,
      gen: this.generation,
    };
    const head = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
    const body = b64url(JSON.stringify(claims));
    return `${head}.${body}.${this.sign(`${head}.${body}`)}`;
  }

  verify(token: string, expected: TokenType): TokenCheck {
    const parts = token.split(".");
    if (parts.length !== 3) return { ok: false, reason: "invalid-or-expired" };
    const [head, body, sig] = parts;
    const want = Buffer.from(this.sign(`${head}.${body}`));
    const got = Buffer.from(sig);
    if (want.length !== got.length || !timingSafeEqual(want, got)) return { ok: false, reason: "invalid-or-expired" };
    let raw: unknown;
    try {
      raw = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
    } catch {
      return { ok: false, reason: "invalid-or-expired" };
    }
    const parsed = Claims.safeParse(raw);
    if (!parsed.success) return { ok: false, reason: "invalid-or-expired" };
    const claims = parsed.data;
    // simplejwt compares exp with the current time in seconds: a token is dead from its exp second on.
    if (claims.exp <= this.opts.now() / 1000) return { ok: false, reason: "invalid-or-expired" };
    if (claims.gen < this.generation) return { ok: false, reason: "invalid-or-expired" };
    if (claims.token_type !== expected) return { ok: false, reason: "wrong-type" };
    return { ok: true, claims };
  }

  /** Every token issued so far stops working (the "expire-tokens" fault). */
  revokeAll(): void {
    this.generation += 1;
  }

  private sign(input: string): string {
    return createHmac("sha256", this.secret).update(input).digest("base64url");
  }
}

export type AuthHeaderCheck =
  | { ok: true; scheme: "bearer" | "basic" }
  | { ok: false; status: 401; body: Record<string, unknown> };

/** The 401 bodies DRF and simplejwt send. */
export const NOT_PROVIDED = { detail: "Authentication credentials were not provided." };
export const INVALID_BASIC = { detail: "Invalid username/password." };
export const TOKEN_NOT_VALID = {
  detail: "Given token not valid for any token type",
  code: "token_not_valid",
  messages: [{ token_class: "AccessToken", token_type: "access", message: "Token is invalid or expired" }],
};

/** Checks an Authorization header: Bearer <access JWT> or Basic with the supplier's credentials. */
export function checkAuthorization(
  header: string | undefined,
  tokens: TokenAuthority,
  credentials: { username: string; password: string },
): AuthHeaderCheck {
  if (!header || header.trim() === "") return { ok: false, status: 401, body: NOT_PROVIDED };
  const [scheme, ...rest] = header.trim().split(/\s+/);
  const value = rest.join(" ");
  const lower = scheme.toLowerCase();
  if (lower === "bearer" || lower === "jwt") {
    if (!value) return { ok: false, status: 401, body: { detail: "Invalid Authorization header. No credentials provided." } };
    const check = tokens.verify(value, "access");
    return check.ok ? { ok: true, scheme: "bearer" } : { ok: false, status: 401, body: TOKEN_NOT_VALID };
  }
  if (lower === "basic") {
    let decoded = "";
    try {
      decoded = Buffer.from(value, "base64").toString("utf8");
    } catch {
      return { ok: false, status: 401, body: { detail: "Invalid basic header. Credentials not correctly base64 encoded." } };
    }
    const i = decoded.indexOf(":");
    if (i < 0) return { ok: false, status: 401, body: { detail: "Invalid basic header. Credentials not correctly base64 encoded." } };
    const user = decoded.slice(0, i);
    const pass = decoded.slice(i + 1);
    return user === credentials.username && pass === credentials.password
      ? { ok: true, scheme: "basic" }
      : { ok: false, status: 401, body: INVALID_BASIC };
  }
  // An unknown scheme is ignored by every authentication class, so DRF reports "not provided".
  return { ok: false, status: 401, body: NOT_PROVIDED };
}
