import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll } from "vitest";
import { createRealtimeNotifier } from "@realtime/emitter.ts";
import { attachRealtime, type Realtime } from "@realtime/server.ts";
import { originAllowed } from "@server/http/origin.ts";
import { createLogger } from "@server/log.ts";
import { createTestApp, type TestApp } from "./app.ts";
import { connect, connected, type TestSocket } from "./sockets.ts";

export interface RealtimeStack {
  app: TestApp;
  realtime: Realtime;
  url: string;
  /** A connected socket for this session token, disconnected after the file's tests. */
  open(token: string): Promise<TestSocket>;
}

/**
 * For a test file: a test app with every domain service and Socket.IO attached to a real HTTP
 * server on a free port (services reach sockets through the bound notifier).
 */
export function useRealtimeServer(): RealtimeStack {
  const sockets: TestSocket[] = [];
  let server: http.Server;
  const stack = {
    async open(token: string) {
      const s = connect(stack.url, token);
      sockets.push(s);
      await connected(s);
      return s;
    },
  } as RealtimeStack;
  beforeAll(async () => {
    const notifier = createRealtimeNotifier();
    stack.app = await createTestApp({}, { notifier });
    server = http.createServer();
    stack.realtime = await attachRealtime(server, {
      auth: stack.app.tandem.services.auth,
      services: stack.app.tandem.services,
      log: createLogger("silent"),
      originAllowed: (origin, host) => originAllowed(undefined, origin, host),
    });
    notifier.bind(stack.realtime.io);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    stack.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await stack.realtime?.close();
    await stack.app?.close();
  });
  return stack;
}
