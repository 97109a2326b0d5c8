// The host's keys, generated on first start and kept in <dataDir>/keys.json so URLs handed out
// (status URLs carry the system key) survive a restart, as they do with a real app's key store.
import { randomBytes, timingSafeEqual } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { HostRequest } from "./http-types.js";

export interface HostKeys {
  masterKey: string;
  /** the host's `default` function key, valid for every function-level trigger */
  functionKey: string;
  /** the `durabletask_extension` system key embedded in Durable status URLs */
  systemKey: string;
}

export type AuthLevel = "anonymous" | "function" | "admin";

function newKey(): string {
  return randomBytes(40).toString("base64url");
}

export function loadOrCreateKeys(dataDir: string): HostKeys {
  const file = path.join(dataDir, "keys.json");
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, "utf8")) as Partial<HostKeys>;
    if (stored.masterKey && stored.functionKey && stored.systemKey) return stored as HostKeys;
  }
  const keys: HostKeys = { masterKey: newKey(), functionKey: newKey(), systemKey: newKey() };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  return keys;
}

/** The key a caller presented: `?code=` or the `x-functions-key` header, as the host reads them. */
export function presentedKey(req: HostRequest): string | undefined {
  return req.url.searchParams.get("code") ?? req.headers["x-functions-key"] ?? undefined;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function isAuthorized(level: AuthLevel, req: HostRequest, keys: HostKeys): boolean {
  if (level === "anonymous") return true;
  const key = presentedKey(req);
  if (key === undefined) return false;
  if (same(key, keys.masterKey)) return true;
  return level === "function" && same(key, keys.functionKey);
}

/** The binding's authLevel, lower-cased; the host's default is `function`. */
export function authLevelOf(value: unknown): AuthLevel {
  const level = typeof value === "string" ? value.toLowerCase() : "function";
  if (level === "anonymous" || level === "admin") return level;
  if (level === "function") return level;
  throw new Error(`unknown authLevel "${String(value)}"`);
}
