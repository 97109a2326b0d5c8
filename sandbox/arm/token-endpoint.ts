// Managed identity for the function app, as App Service provides it: a plain-http loopback endpoint
// (IDENTITY_ENDPOINT) that hands out tokens to callers presenting IDENTITY_HEADER, protocol 2019-08-01.
// @azure/identity's ManagedIdentityCredential uses it when both variables are set, so no credential ever
// probes IMDS. Tokens are HS256 JWTs signed with a per-sandbox secret and checked by the ARM pipeline.
// The app's identity (ids, secret, header) lives in `<dataDir>/identity.json`, so it survives restarts
// and resets: a client that cached a token keeps working.
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname } from "node:path";
import { realNow } from "./clock.js";
import type { Principal } from "./types.js";

export interface AppIdentity {
  objectId: string;
  clientId: string;
  /** HMAC key of the tokens */
  secret: string;
  /** the value callers must send in X-IDENTITY-HEADER */
  identityHeader: string;
}

const TOKEN_LIFETIME_S = 24 * 3600;
const API_VERSION = "2019-08-01";
export const TOKEN_PATH = "/msi/token";

export function loadAppIdentity(file: string): AppIdentity {
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as AppIdentity;
  const identity: AppIdentity = {
    objectId: randomUUID(),
    clientId: randomUUID(),
    secret: randomBytes(32).toString("base64url"),
    identityHeader: randomUUID(),
  };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(identity, null, 2), { mode: 0o600 });
  return identity;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const sign = (secret: string, data: string) => createHmac("sha256", secret).update(data).digest();

export function issueToken(identity: AppIdentity, tenantId: string, resource: string): { token: string; expiresOn: number } {
  const now = Math.floor(realNow() / 1000);
  const exp = now + TOKEN_LIFETIME_S;
  const payload = { aud: resource, iss: `https://sts.windows.net/${tenantId}/`, iat: now, nbf: now, exp, oid: identity.objectId, appid: identity.clientId, tid: tenantId, idtyp: "app" };
  const unsigned = `${b64({ alg: "HS256", typ: "JWT" })}.${b64(payload)}`;
  return { token: `${unsigned}.${sign(identity.secret, unsigned).toString("base64url")}`, expiresOn: exp };
}

/** The caller a bearer token names, or undefined when it is malformed, forged or expired (in real time). */
export function verifyToken(identity: AppIdentity, token: string): Principal | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  const expected = sign(identity.secret, `${parts[0]}.${parts[1]}`);
  const given = Buffer.from(parts[2], "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  let claims: { oid?: unknown; appid?: unknown; tid?: unknown; exp?: unknown };
  try {
    claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as typeof claims;
  } catch {
    return undefined;
  }
  if (typeof claims.exp !== "number" || claims.exp * 1000 <= realNow()) return undefined;
  if (typeof claims.oid !== "string" || typeof claims.appid !== "string" || typeof claims.tid !== "string") return undefined;
  return { objectId: claims.oid, clientId: claims.appid, tenantId: claims.tid };
}

export interface TokenEndpoint {
  /** http://127.0.0.1:<port>/msi/token */
  url: string;
  close(): Promise<void>;
}

/** Starts the identity endpoint on a free loopback port. */
export async function startTokenEndpoint(identity: AppIdentity, tenantId: string): Promise<TokenEndpoint> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (url.pathname !== TOKEN_PATH) return reply(404, { error: "not_found" });
    if (req.method !== "GET") return reply(405, { error: "method_not_allowed" });
    if (req.headers["x-identity-header"] !== identity.identityHeader) {
      return reply(401, { statusCode: 401, message: "Unauthorized: the X-IDENTITY-HEADER header is missing or invalid." });
    }
    if (url.searchParams.get("api-version") !== API_VERSION) {
      return reply(400, { statusCode: 400, message: `api-version must be ${API_VERSION}.` });
    }
    const resource = url.searchParams.get("resource");
    if (!resource) return reply(400, { statusCode: 400, message: "The 'resource' query parameter is required." });
    const clientId = url.searchParams.get("client_id");
    const principalId = url.searchParams.get("principal_id");
    if ((clientId && clientId !== identity.clientId) || (principalId && principalId !== identity.objectId)) {
      return reply(400, { statusCode: 400, message: "No managed identity with that id is assigned to this app." });
    }
    const { token, expiresOn } = issueToken(identity, tenantId, resource);
    reply(200, { access_token: token, expires_on: String(expiresOn), resource, token_type: "Bearer", client_id: identity.clientId });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${TOKEN_PATH}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
