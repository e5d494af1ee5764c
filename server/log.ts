import type { Env } from "./env.ts";

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const order = ["debug", "info", "warn", "error", "silent"] as const;

/** Line-oriented logger: a readable line with JSON fields, to stdout (stderr for warnings and errors). */
export function createLogger(level: Env["LOG_LEVEL"]): Logger {
  const min = order.indexOf(level);
  const write = (lvl: (typeof order)[number], message: string, fields?: Record<string, unknown>) => {
    if (order.indexOf(lvl) < min) return;
    const line = `${new Date().toISOString()} ${lvl.toUpperCase()} ${message}${fields ? " " + JSON.stringify(fields) : ""}\n`;
    (lvl === "warn" || lvl === "error" ? process.stderr : process.stdout).write(line);
  };
  return {
    debug: (m, f) => write("debug", m, f),
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
  };
}
