/// <reference types="@remix-run/dev" />
/// <reference types="@remix-run/node" />
import type { Tandem } from "./server/app.ts";

declare module "@remix-run/node" {
  interface AppLoadContext {
    tandem: Tandem;
    clientIp: string;
  }
}
