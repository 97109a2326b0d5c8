// The host's HTTP surface as plain data, so the Functions triggers (http.ts) and the Durable HTTP API
// (durable/api.ts) are functions from request to response, testable without a socket.

export interface HostRequest {
  method: string;
  url: URL;
  /** lower-cased header names */
  headers: Record<string, string>;
  body: Buffer;
}

export interface HostResponse {
  status: number;
  headers?: Record<string, string>;
  /** a string or Buffer is sent as is; anything else as JSON */
  body?: unknown;
  /** one `Set-Cookie` header each (headers hold one value per name) */
  setCookies?: string[];
}

export type HostHandler = (req: HostRequest) => Promise<HostResponse>;
