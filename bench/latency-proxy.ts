// A loopback TCP relay that holds every client→server chunk for `latencyMs`: the sandbox answers in about
// a millisecond, Azure in tens to hundreds, and a burst's rate per real second depends on that. TLS
// passes through untouched (the app still verifies the sandbox's certificate).
import { connect, createServer, type Socket } from "node:net";

export interface LatencyProxy {
  port: number;
  close(): Promise<void>;
}

export async function startLatencyProxy(targetPort: number, latencyMs: number): Promise<LatencyProxy> {
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  };
  const server = createServer((client) => {
    const upstream = connect(targetPort, "127.0.0.1");
    track(client);
    track(upstream);
    // Equal delays keep the chunks in order: timers of one duration fire in the order they were set.
    client.on("data", (chunk) => setTimeout(() => upstream.write(chunk), latencyMs));
    client.on("end", () => setTimeout(() => upstream.end(), latencyMs));
    upstream.on("data", (chunk) => client.write(chunk));
    upstream.on("end", () => client.end());
    const fail = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", fail);
    upstream.on("error", fail);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the latency proxy has no port");
  return {
    port: address.port,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
