// The RPC-shaped data the Functions host exchanges with a language worker (the JSON form of the
// protobuf messages `@azure/functions` converts with fromRpcTypedData / toRpcHttp), and the
// conversions between it and the sandbox's plain HostRequest/HostResponse.
import type { HostRequest, HostResponse } from "./http-types.js";

export interface RpcTypedData {
  string?: string;
  json?: string;
  bytes?: Uint8Array;
  stream?: Uint8Array;
  int?: number;
  double?: number;
  http?: RpcHttp;
}

interface RpcNullable<T> {
  value?: T;
}

export interface RpcHttpCookie {
  name: string;
  value: string;
  domain?: RpcNullable<string>;
  path?: RpcNullable<string>;
  expires?: RpcNullable<{ seconds: number }>;
  secure?: RpcNullable<boolean>;
  httpOnly?: RpcNullable<boolean>;
  sameSite?: "none" | "lax" | "strict" | "explicitNone";
  maxAge?: RpcNullable<number>;
}

export interface RpcHttp {
  method?: string;
  url?: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  params?: Record<string, string>;
  body?: RpcTypedData;
  statusCode?: string;
  cookies?: RpcHttpCookie[];
}

export interface RpcParameterBinding {
  name: string;
  data: RpcTypedData;
}

/** How the host hands a JSON value (durable payloads, timer info, binding data) to the worker. */
export function jsonTypedData(value: unknown): RpcTypedData {
  return { json: JSON.stringify(value) };
}

/** The worker's return value as a plain value: JSON parsed, bytes as a Buffer. */
export function fromTypedData(data: RpcTypedData | null | undefined): unknown {
  if (!data) return undefined;
  if (data.json !== undefined) return JSON.parse(data.json);
  if (data.string !== undefined) return data.string;
  if (data.bytes !== undefined) return Buffer.from(data.bytes);
  if (data.stream !== undefined) return Buffer.from(data.stream);
  if (data.int !== undefined) return data.int;
  if (data.double !== undefined) return data.double;
  if (data.http !== undefined) return data.http;
  return undefined;
}

export function toRpcHttpRequest(req: HostRequest, params: Record<string, string>): RpcHttp {
  const rpc: RpcHttp = {
    method: req.method.toUpperCase(),
    url: req.url.toString(),
    headers: { ...req.headers },
    query: Object.fromEntries(req.url.searchParams),
    params: { ...params },
  };
  if (req.body.length > 0) rpc.body = { bytes: req.body };
  return rpc;
}

export function fromRpcHttpResponse(rpc: RpcHttp): HostResponse {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(rpc.headers ?? {})) headers[name.toLowerCase()] = value;
  const body = fromTypedData(rpc.body);
  const response: HostResponse = {
    status: Number(rpc.statusCode ?? "200"),
    headers,
    body: body === undefined ? undefined : Buffer.isBuffer(body) ? body : typeof body === "string" ? body : JSON.stringify(body),
  };
  const cookies = (rpc.cookies ?? []).map(formatSetCookie);
  if (cookies.length > 0) response.setCookies = cookies;
  return response;
}

function formatSetCookie(cookie: RpcHttpCookie): string {
  const parts = [`${cookie.name}=${cookie.value}`];
  if (cookie.domain?.value) parts.push(`Domain=${cookie.domain.value}`);
  if (cookie.path?.value) parts.push(`Path=${cookie.path.value}`);
  if (cookie.expires?.value) parts.push(`Expires=${new Date(cookie.expires.value.seconds * 1000).toUTCString()}`);
  if (cookie.maxAge?.value !== undefined) parts.push(`Max-Age=${cookie.maxAge.value}`);
  if (cookie.secure?.value) parts.push("Secure");
  if (cookie.httpOnly?.value) parts.push("HttpOnly");
  const sameSite = { lax: "Lax", strict: "Strict", explicitNone: "None", none: undefined }[cookie.sameSite ?? "none"];
  if (sameSite) parts.push(`SameSite=${sameSite}`);
  return parts.join("; ");
}
