import { useRouteLoaderData } from "@remix-run/react";
import { clsx } from "clsx";
import { type KeyboardEvent, useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { ChatJoined, ChatMessage } from "@realtime/contracts.ts";
import type { loader as rootLoader } from "~/root";
import { Alert, Button, Spinner } from "~/components/ui";
import { useRealtime } from "~/lib/realtime";
import { trpc } from "~/lib/trpc";
import { mergeBySeq, resumePoint } from "./merge";

type Pending = {
  clientMessageId: string;
  text: string;
  attachment: Uploaded | null;
  status: "sending" | "failed";
  error?: string;
};
type Uploaded = { attachmentId: string; name: string; type: string; size: number };
type Upload = { name: string; progress: number; error?: string; done?: Uploaded };

const newId = () =>
  typeof crypto !== "undefined" && "randomUUID" in crypto
    ? crypto.randomUUID()
    : `${Date.now()}-${Math.random().toString(36).slice(2)}`;

function formatSize(bytes: number) {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

/** Uploads a file for a message, reporting progress; resolves with the attachment id to send. */
function uploadAttachment(threadId: string, file: File, onProgress: (fraction: number) => void): Promise<Uploaded> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/chat/${threadId}/attachments`);
    xhr.responseType = "json";
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new Error("The upload failed; check your connection and try again."));
    xhr.onload = () => {
      const body = xhr.response as (Uploaded & { ok: true }) | { ok: false; message: string } | null;
      if (xhr.status === 200 && body && body.ok) resolve(body);
      else reject(new Error(body && !body.ok ? body.message : `The upload failed (${xhr.status}).`));
    };
    const form = new FormData();
    form.append("file", file);
    xhr.send(form);
  });
}

/**
 * The chat of a booking's session, for its coach and client: history with "load earlier", live
 * messages over the socket (resuming after the last seq seen when the connection comes back,
 * so nothing is lost or shown twice), typing, "Seen" receipts and attachments.
 */
export function ChatPanel(props: { threadId: string; className?: string; label?: string }) {
  const rootData = useRouteLoaderData<typeof rootLoader>("root");
  const timeZone = rootData?.viewer?.user.timeZone ?? "UTC";
  const thread = trpc.chat.thread.useQuery({ threadId: props.threadId }, { retry: false, refetchOnWindowFocus: false });
  const utils = trpc.useUtils();
  const { socket, status } = useRealtime();

  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [pending, setPending] = useState<Pending[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [hasEarlier, setHasEarlier] = useState(false);
  const [loadingEarlier, setLoadingEarlier] = useState(false);
  const [reads, setReads] = useState<Record<string, number>>({});
  const [typing, setTyping] = useState<Record<string, { name: string; until: number }>>({});
  const [draft, setDraft] = useState("");
  const [upload, setUpload] = useState<Upload | null>(null);
  const messagesRef = useRef<ChatMessage[]>([]);
  messagesRef.current = messages;
  const listRef = useRef<HTMLOListElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const lastTypingSent = useRef(0);

  const threadId = thread.data?.threadId;
  const viewerId = thread.data?.viewerId;
  const names = useMemo(
    () => Object.fromEntries((thread.data?.members ?? []).map((m) => [m.userId, m.name])),
    [thread.data],
  );

  const add = useCallback((incoming: ChatMessage[]) => {
    if (incoming.length === 0) return;
    setMessages((current) => mergeBySeq(current, incoming));
    // A message that arrived is no longer pending, whichever way it came.
    const ids = new Set(incoming.map((m) => m.clientMessageId));
    setPending((p) => p.filter((x) => !ids.has(x.clientMessageId)));
  }, []);

  // The newest page of history.
  useEffect(() => {
    if (!threadId) return;
    let cancelled = false;
    setReads(Object.fromEntries((thread.data?.members ?? []).map((m) => [m.userId, m.lastReadSeq])));
    utils.client.chat.history
      .query({ threadId })
      .then((page) => {
        if (cancelled) return;
        add(page.messages);
        setHasEarlier(page.hasMore);
        setLoaded(true);
      })
      .catch((error: Error) => !cancelled && setLoadError(error.message));
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [threadId]);

  // Live: join the thread's room and resume after the last seq seen, on every (re)connect.
  useEffect(() => {
    if (!socket || !threadId || !loaded) return;
    const join = () => {
      const afterSeq = resumePoint(messagesRef.current);
      socket.emit(
        "chat:join",
        { threadId, afterSeq },
        (res: { ok: true; data: ChatJoined } | { ok: false; error: { message: string } }) => {
          if (!res.ok) return setLoadError(res.error.message);
          add(res.data.messages);
          setReads((r) => {
            const next = { ...r };
            for (const x of res.data.reads) next[x.userId] = Math.max(next[x.userId] ?? 0, x.lastReadSeq);
            return next;
          });
          if (res.data.hasMore) join();
        },
      );
    };
    const onMessage = (m: ChatMessage) => {
      if (m.threadId !== threadId) return;
      const before = resumePoint(messagesRef.current);
      add([m]);
      // A gap (a message overtaken by a later one): ask for what is missing.
      if (m.seq > before + 1) setTimeout(() => resumePoint(messagesRef.current) < m.seq && join(), 500);
      setTyping((t) => {
        if (!t[m.senderId]) return t;
        const { [m.senderId]: _, ...rest } = t;
        return rest;
      });
    };
    const onTyping = (p: { threadId: string; userId: string; name: string; typing: boolean }) => {
      if (p.threadId !== threadId || p.userId === viewerId) return;
      setTyping((t) => {
        if (!p.typing) {
          const { [p.userId]: _, ...rest } = t;
          return rest;
        }
        return { ...t, [p.userId]: { name: p.name, until: Date.now() + 6000 } };
      });
    };
    const onRead = (p: { threadId: string; userId: string; lastReadSeq: number }) => {
      if (p.threadId === threadId) setReads((r) => ({ ...r, [p.userId]: Math.max(r[p.userId] ?? 0, p.lastReadSeq) }));
    };
    socket.on("chat:message", onMessage);
    socket.on("chat:typing", onTyping);
    socket.on("chat:read", onRead);
    socket.on("connect", join);
    if (socket.connected) join();
    return () => {
      socket.off("chat:message", onMessage);
      socket.off("chat:typing", onTyping);
      socket.off("chat:read", onRead);
      socket.off("connect", join);
      if (socket.connected) socket.emit("chat:leave", { threadId }, () => undefined);
    };
  }, [socket, threadId, loaded, viewerId, add]);

  // Typing indicators expire on their own if the "stopped" event never comes.
  useEffect(() => {
    if (Object.keys(typing).length === 0) return;
    const timer = setInterval(
      () => setTyping((t) => Object.fromEntries(Object.entries(t).filter(([, v]) => v.until > Date.now()))),
      1000,
    );
    return () => clearInterval(timer);
  }, [typing]);

  // Read receipts: what is on screen while the tab is visible counts as read.
  const newest = messages.at(-1)?.seq ?? 0;
  useEffect(() => {
    if (!socket || !threadId || !viewerId || newest === 0) return;
    const mark = () => {
      if (document.visibilityState !== "visible" || (reads[viewerId] ?? 0) >= newest) return;
      socket.emit("chat:read", { threadId, seq: newest }, (res) => {
        if (res.ok) setReads((r) => ({ ...r, [viewerId]: Math.max(r[viewerId] ?? 0, res.data.lastReadSeq) }));
      });
    };
    mark();
    document.addEventListener("visibilitychange", mark);
    return () => document.removeEventListener("visibilitychange", mark);
  }, [socket, threadId, viewerId, newest, reads]);

  // Keep the newest message in view when it arrives.
  useEffect(() => {
    const list = listRef.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [newest, pending.length]);

  const transmit = useCallback(
    (p: Pending) => {
      if (!socket || !threadId) {
        setPending((all) =>
          all.map((x) =>
            x.clientMessageId === p.clientMessageId
              ? { ...x, status: "failed", error: "Not sent: the live connection is not available." }
              : x,
          ),
        );
        return;
      }
      setPending((all) =>
        all.map((x) => (x.clientMessageId === p.clientMessageId ? { ...x, status: "sending", error: undefined } : x)),
      );
      socket.timeout(10_000).emit(
        "chat:send",
        {
          threadId,
          clientMessageId: p.clientMessageId,
          text: p.text || undefined,
          attachmentId: p.attachment?.attachmentId,
        },
        (err, res) => {
          if (err || !res.ok) {
            const error = err ? "Not sent: no answer from the server." : res.ok ? "" : res.error.message;
            setPending((all) =>
              all.map((x) => (x.clientMessageId === p.clientMessageId ? { ...x, status: "failed", error } : x)),
            );
            return;
          }
          add([
            {
              id: res.data.id,
              threadId,
              seq: res.data.seq,
              senderId: viewerId ?? "",
              clientMessageId: p.clientMessageId,
              text: p.text,
              attachment: p.attachment
                ? { name: p.attachment.name, type: p.attachment.type, size: p.attachment.size }
                : null,
              createdAt: res.data.createdAt,
            },
          ]);
        },
      );
    },
    [socket, threadId, viewerId, add],
  );

  function send() {
    const text = draft.trim();
    const attachment = upload?.done ?? null;
    if (!text && !attachment) return;
    const p: Pending = { clientMessageId: newId(), text, attachment, status: "sending" };
    setPending((all) => [...all, p]);
    setDraft("");
    setUpload(null);
    if (socket && threadId) socket.emit("chat:typing", { threadId, typing: false });
    lastTypingSent.current = 0;
    transmit(p);
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send();
    }
  }

  function onDraftChange(value: string) {
    setDraft(value);
    if (!socket || !threadId) return;
    const now = Date.now();
    if (value && now - lastTypingSent.current > 3000) {
      lastTypingSent.current = now;
      socket.emit("chat:typing", { threadId, typing: true });
    } else if (!value && lastTypingSent.current) {
      lastTypingSent.current = 0;
      socket.emit("chat:typing", { threadId, typing: false });
    }
  }

  async function onFile(file: File | undefined) {
    if (!file || !threadId) return;
    setUpload({ name: file.name, progress: 0 });
    try {
      const done = await uploadAttachment(threadId, file, (progress) => setUpload((u) => (u ? { ...u, progress } : u)));
      setUpload({ name: file.name, progress: 1, done });
    } catch (error) {
      setUpload({ name: file.name, progress: 0, error: (error as Error).message });
    }
    if (fileRef.current) fileRef.current.value = "";
  }

  async function loadEarlier() {
    if (!threadId) return;
    const first = messages[0]?.seq;
    setLoadingEarlier(true);
    try {
      const page = await utils.client.chat.history.query({ threadId, beforeSeq: first });
      add(page.messages);
      setHasEarlier(page.hasMore);
    } catch (error) {
      setLoadError((error as Error).message);
    } finally {
      setLoadingEarlier(false);
    }
  }

  const time = (iso: string) =>
    new Intl.DateTimeFormat("en-GB", {
      hour: "2-digit",
      minute: "2-digit",
      day: "numeric",
      month: "short",
      timeZone,
    }).format(new Date(iso));
  const otherIds = (thread.data?.members ?? []).map((m) => m.userId).filter((id) => id !== viewerId);
  const lastOwn = [...messages].reverse().find((m) => m.senderId === viewerId);
  const seen = lastOwn && otherIds.some((id) => (reads[id] ?? 0) >= lastOwn.seq);
  const typingNames = Object.values(typing).map((t) => t.name);

  if (thread.error) {
    return (
      <section aria-label={props.label ?? "Session chat"} className={props.className}>
        <Alert>{thread.error.message}</Alert>
      </section>
    );
  }

  return (
    <section
      aria-label={props.label ?? "Session chat"}
      className={clsx("flex min-h-[20rem] flex-col rounded-lg bg-white ring-1 ring-slate-200", props.className)}
    >
      <header className="flex items-center justify-between border-b border-slate-100 px-4 py-2">
        <h2 className="text-sm font-semibold text-slate-800">Chat</h2>
        <span className="text-xs text-slate-500" role="status">
          {status === "connected"
            ? ""
            : status === "connecting"
              ? "Connecting…"
              : "Offline: messages are sent when you are back."}
        </span>
      </header>
      {loadError ? (
        <div className="px-4 pt-2">
          <Alert>{loadError}</Alert>
        </div>
      ) : null}
      <ol
        ref={listRef}
        aria-label="Messages"
        aria-live="polite"
        className="flex-1 space-y-2 overflow-y-auto px-4 py-3"
        style={{ maxHeight: "28rem" }}
      >
        {!thread.data || !loaded ? (
          <li className="py-6 text-center text-sm text-slate-500">
            <Spinner label="Loading messages…" />
          </li>
        ) : (
          <>
            {hasEarlier ? (
              <li className="text-center">
                <Button type="button" variant="ghost" busy={loadingEarlier} onClick={loadEarlier}>
                  Load earlier messages
                </Button>
              </li>
            ) : null}
            {messages.length === 0 && pending.length === 0 ? (
              <li className="py-6 text-center text-sm text-slate-500">No messages yet. Say hello.</li>
            ) : null}
            {messages.map((m) => {
              const own = m.senderId === viewerId;
              return (
                <li key={m.seq} data-seq={m.seq} className={clsx("flex flex-col", own ? "items-end" : "items-start")}>
                  <div
                    className={clsx(
                      "max-w-[85%] rounded-lg px-3 py-2 text-sm",
                      own ? "bg-brand-600 text-white" : "bg-slate-100 text-slate-900",
                    )}
                  >
                    {!own ? <p className="text-xs font-semibold opacity-80">{names[m.senderId] ?? "Member"}</p> : null}
                    {m.text ? <p className="whitespace-pre-wrap break-words">{m.text}</p> : null}
                    {m.attachment ? (
                      <a
                        className="mt-1 block underline"
                        href={`/chat-attachments/${m.id}`}
                        download={m.attachment.name}
                      >
                        {m.attachment.name} ({formatSize(m.attachment.size)})
                      </a>
                    ) : null}
                  </div>
                  <span className="mt-0.5 text-[11px] text-slate-500">
                    <time dateTime={m.createdAt}>{time(m.createdAt)}</time>
                    {own && m.seq === lastOwn?.seq && seen ? " · Seen" : ""}
                  </span>
                </li>
              );
            })}
            {pending.map((p) => (
              <li key={p.clientMessageId} className="flex flex-col items-end">
                <div
                  className={clsx(
                    "max-w-[85%] rounded-lg px-3 py-2 text-sm",
                    p.status === "failed" ? "bg-red-50 text-red-900 ring-1 ring-red-200" : "bg-brand-600/60 text-white",
                  )}
                >
                  {p.text ? <p className="whitespace-pre-wrap break-words">{p.text}</p> : null}
                  {p.attachment ? <p className="mt-1">{p.attachment.name}</p> : null}
                </div>
                <span className="mt-0.5 text-[11px] text-slate-500">
                  {p.status === "sending" ? (
                    "Sending…"
                  ) : (
                    <>
                      {p.error ?? "Not sent."}{" "}
                      <button
                        type="button"
                        className="font-medium text-brand-700 underline"
                        onClick={() => transmit(p)}
                      >
                        Retry
                      </button>
                    </>
                  )}
                </span>
              </li>
            ))}
          </>
        )}
      </ol>
      <p className="h-5 px-4 text-xs text-slate-500" aria-live="polite">
        {typingNames.length ? `${typingNames.join(", ")} ${typingNames.length > 1 ? "are" : "is"} typing…` : ""}
      </p>
      <div className="border-t border-slate-100 p-3">
        {upload ? (
          <div className="mb-2 flex items-center justify-between gap-2 rounded-md bg-slate-50 px-2 py-1 text-xs">
            <span>
              {upload.name}
              {upload.error ? (
                <span role="alert" className="ml-2 text-red-700">
                  {upload.error}
                </span>
              ) : upload.done ? (
                " · ready to send"
              ) : (
                ` · uploading ${Math.round(upload.progress * 100)}%`
              )}
            </span>
            {!upload.done && !upload.error ? (
              <progress max={1} value={upload.progress} aria-label="Upload progress" className="h-1.5 w-24" />
            ) : null}
            <button type="button" className="text-slate-600 underline" onClick={() => setUpload(null)}>
              Remove
            </button>
          </div>
        ) : null}
        <div className="flex items-end gap-2">
          <label className="sr-only" htmlFor={`chat-input-${props.threadId}`}>
            Message
          </label>
          <textarea
            id={`chat-input-${props.threadId}`}
            rows={2}
            value={draft}
            disabled={!threadId}
            placeholder="Write a message. Enter sends, Shift+Enter for a new line."
            onChange={(e) => onDraftChange(e.target.value)}
            onKeyDown={onKeyDown}
            onBlur={() =>
              socket && threadId && lastTypingSent.current && socket.emit("chat:typing", { threadId, typing: false })
            }
            className="min-h-[2.5rem] flex-1 resize-y rounded-md border-0 px-3 py-2 text-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-500"
          />
          <label className="cursor-pointer rounded-md px-3 py-2 text-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50 has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-brand-500">
            <span>Attach</span>
            <input
              ref={fileRef}
              type="file"
              className="sr-only"
              aria-label="Attach a file (PDF, JPEG, PNG or WebP, up to 10 MB)"
              accept="application/pdf,image/jpeg,image/png,image/webp"
              disabled={!threadId}
              onChange={(e) => void onFile(e.target.files?.[0])}
            />
          </label>
          <Button
            type="button"
            onClick={send}
            disabled={!threadId || (!draft.trim() && !upload?.done) || Boolean(upload && !upload.done && !upload.error)}
          >
            Send
          </Button>
        </div>
      </div>
    </section>
  );
}
