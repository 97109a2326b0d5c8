// What the simulator was asked and what it answered, for tests and for the developer (moto's recorder).
// A ring buffer: the oldest entries go first. Authorization headers are never recorded.

export interface LoggedRequest {
  /** simulated time the request arrived, ISO */
  time: string;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
  /** 0 when the connection was dropped */
  status: number;
  responseBody: unknown;
}

export class RequestLog {
  #entries: LoggedRequest[] = [];

  constructor(readonly limit = 50_000) {}

  add(entry: LoggedRequest): void {
    const { authorization: _omitted, ...headers } = entry.headers;
    this.#entries.push({ ...entry, headers });
    if (this.#entries.length > this.limit) this.#entries.splice(0, this.#entries.length - this.limit);
  }

  list(): LoggedRequest[] {
    return [...this.#entries];
  }

  clear(): void {
    this.#entries = [];
  }
}
