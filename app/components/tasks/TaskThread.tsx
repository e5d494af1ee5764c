import { clsx } from "clsx";
import { useCallback, useEffect, useRef, useState } from "react";
import type { ChatJoined, ChatMessage } from "@realtime/contracts.ts";
import { mergeBySeq, resumePoint } from "~/components/chat/merge";
import { Alert, Button, Spinner } from "~/components/ui";
import { formatDateTime } from "~/lib/format";
import { useRealtime } from "~/lib/realtime";
import { trpc } from "~/lib/trpc";

const newId = () =>
  typeof crypto !== "undefined" && "randomUUID" in crypto
    ? crypto.randomUUID()
    : `${Date.now()}-${Math.random().toString(36).slice(2)}`;

const KIND_LABEL = { REFLECTION: "Reflection", FEEDBACK: "Feedback", SYSTEM: "Update" } as const;

/**
 * A task's thread: history, then live over the socket (joined and resumed after the last seq,
 * like the session chat). Reflections and feedback are drawn as their own cards; text messages
 * as chat bubbles. Everything is plain text (never HTML).
 */
export function TaskThread(props: {
  threadId: string;
  viewerId: string;
  names: Record<string, string>;
  timeZone: string;
  /** Extra messages the page posted itself (its reflection or feedback), shown at once. */
  posted?: ChatMessage[];
}) {
  const utils = trpc.useUtils();
  const { socket } = useRealtime();
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [draft, setDraft] = useState("");
  const [sending, setSending] = useState(false);
  const ref = useRef<ChatMessage[]>([]);
  ref.current = messages;
  const add = useCallback((incoming: ChatMessage[]) => {
    if (incoming.length) setMessages((m) => mergeBySeq(m, incoming));
  }, []);

  useEffect(() => {
    if (props.posted?.length) add(props.posted);
  }, [props.posted, add]);

  useEffect(() => {
    let cancelled = false;
    utils.client.chat.history
      .query({ threadId: props.threadId, limit: 200 })
      .then((page) => {
        if (cancelled) return;
        add(page.messages);
        setLoaded(true);
      })
      .catch((e: Error) => !cancelled && setError(e.message));
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.threadId]);

  useEffect(() => {
    if (!socket || !loaded) return;
    const threadId = props.threadId;
    const join = () =>
      socket.emit(
        "chat:join",
        { threadId, afterSeq: resumePoint(ref.current) },
        (res: { ok: true; data: ChatJoined } | { ok: false; error: { message: string } }) => {
          if (!res.ok) return setError(res.error.message);
          add(res.data.messages);
          if (res.data.hasMore) join();
        },
      );
    const onMessage = (m: ChatMessage) => {
      if (m.threadId === threadId) add([m]);
    };
    socket.on("chat:message", onMessage);
    socket.on("connect", join);
    if (socket.connected) join();
    return () => {
      socket.off("chat:message", onMessage);
      socket.off("connect", join);
      if (socket.connected) socket.emit("chat:leave", { threadId }, () => undefined);
    };
  }, [socket, loaded, props.threadId, add]);

  const send = () => {
    const text = draft.trim();
    if (!text || !socket) return;
    setSending(true);
    const clientMessageId = newId();
    socket.timeout(10_000).emit("chat:send", { threadId: props.threadId, clientMessageId, text }, (err, res) => {
      setSending(false);
      if (err || !res.ok)
        return setError(err ? "Not sent: no answer from the server." : res.ok ? "" : res.error.message);
      setDraft("");
      add([
        {
          id: res.data.id,
          threadId: props.threadId,
          seq: res.data.seq,
          senderId: props.viewerId,
          clientMessageId,
          text,
          attachment: null,
          createdAt: res.data.createdAt,
        },
      ]);
    });
  };

  return (
    <div className="space-y-3">
      {error ? <Alert>{error}</Alert> : null}
      {!loaded && !error ? <Spinner label="Loading the thread…" /> : null}
      <ol aria-label="Task thread" aria-live="polite" className="space-y-3">
        {messages.map((m) => {
          const own = m.senderId === props.viewerId;
          const who = own ? "You" : (props.names[m.senderId] ?? "Member");
          const when = formatDateTime(m.createdAt, props.timeZone);
          if (m.kind === "REFLECTION" || m.kind === "FEEDBACK" || m.kind === "SYSTEM")
            return (
              <li
                key={m.seq}
                data-kind={m.kind}
                className={clsx(
                  "rounded-lg p-3 ring-1",
                  m.kind === "REFLECTION" && "bg-amber-50 ring-amber-200",
                  m.kind === "FEEDBACK" && "bg-emerald-50 ring-emerald-200",
                  m.kind === "SYSTEM" && "bg-slate-50 ring-slate-200",
                )}
              >
                <p className="text-xs font-semibold uppercase tracking-wide text-slate-600">
                  {KIND_LABEL[m.kind]} · {who} · <time dateTime={m.createdAt}>{when}</time>
                </p>
                <p className="mt-1 whitespace-pre-wrap text-sm text-slate-900">{m.text}</p>
                {m.attachment ? (
                  <a className="mt-1 inline-block text-sm text-brand-700 underline" href={`/chat-attachments/${m.id}`}>
                    {m.attachment.name}
                  </a>
                ) : null}
              </li>
            );
          return (
            <li key={m.seq} data-kind="TEXT" className={clsx("flex", own ? "justify-end" : "justify-start")}>
              <div
                className={clsx(
                  "max-w-[85%] rounded-lg px-3 py-2 text-sm",
                  own ? "bg-brand-600 text-white" : "bg-slate-100 text-slate-900",
                )}
              >
                <p className="sr-only">{who}:</p>
                <p className="whitespace-pre-wrap">{m.text}</p>
                <p className={clsx("mt-0.5 text-xs", own ? "text-brand-50" : "text-slate-600")}>{when}</p>
              </div>
            </li>
          );
        })}
      </ol>
      {loaded && messages.length === 0 ? <p className="text-sm text-slate-500">No messages yet.</p> : null}
      <form
        className="flex gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          send();
        }}
      >
        <label htmlFor={`msg-${props.threadId}`} className="sr-only">
          Message
        </label>
        <input
          id={`msg-${props.threadId}`}
          className="block w-full rounded-md border-0 px-3 py-2 text-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-500"
          placeholder="Write a message…"
          maxLength={4000}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
        />
        <Button type="submit" variant="secondary" busy={sending} disabled={!draft.trim()}>
          Send
        </Button>
      </form>
    </div>
  );
}
