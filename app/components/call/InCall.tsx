import { clsx } from "clsx";
import { useEffect, useState, useSyncExternalStore } from "react";
import { Alert, Button, Spinner } from "~/components/ui";
import type { LiveKitGrant } from "~/lib/call/livekit";
import {
  type CallMedia,
  type CallQuality,
  type CallSnapshot,
  type CallTransport,
  initialSnapshot,
} from "~/lib/call/types";
import { useRealtime } from "~/lib/realtime";
import { DevicePicker, useDevices, useMediaElement } from "./media";
import type { JoinChoice } from "./PreJoin";

type IceServer = { urls: string | string[]; username?: string; credential?: string };

export interface CallSetup {
  bookingId: string;
  media: CallMedia;
  transport: "p2p" | "livekit";
  /** The client yields on an offer collision (perfect negotiation). */
  polite: boolean;
  iceServers: IceServer[];
  otherName: string;
  livekitGrant: () => Promise<LiveKitGrant>;
}

const qualityText: Record<CallQuality, string> = {
  excellent: "Excellent",
  good: "Good",
  poor: "Poor",
  lost: "Lost",
  unknown: "Measuring…",
};
const qualityBars: Record<CallQuality, number> = { excellent: 3, good: 2, poor: 1, lost: 0, unknown: 0 };

function QualityIndicator({ quality }: { quality: CallQuality }) {
  const bars = qualityBars[quality];
  return (
    <span className="inline-flex items-center gap-2 text-xs text-slate-200" title="Connection quality">
      <span aria-hidden className="flex items-end gap-0.5">
        {[1, 2, 3].map((b) => (
          <span
            key={b}
            className={clsx(
              "w-1 rounded-sm",
              b <= bars ? (bars === 1 ? "bg-amber-400" : "bg-emerald-400") : "bg-slate-500",
            )}
            style={{ height: 4 + b * 4 }}
          />
        ))}
      </span>
      <span>Connection: {qualityText[quality]}</span>
    </span>
  );
}

const statusText = (s: CallSnapshot, otherName: string): string | null => {
  switch (s.status) {
    case "connecting":
      return s.peer ? `Connecting to ${otherName}…` : "Connecting…";
    case "waiting":
      return `Waiting for ${otherName} to join…`;
    case "reconnecting":
      return "The connection dropped. Reconnecting…";
    case "failed":
      return null;
    default:
      return null;
  }
};

/** The call itself: the other person, your own view, and the controls. */
export function InCall({ setup, choice, onLeft }: { setup: CallSetup; choice: JoinChoice; onLeft: () => void }) {
  const { socket, status: socketStatus } = useRealtime();
  const [transport, setTransport] = useState<CallTransport | null>(null);
  const [startError, setStartError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [showDevices, setShowDevices] = useState(false);
  const { devices, refresh } = useDevices();
  const [audioId, setAudioId] = useState(() => choice.stream.getAudioTracks()[0]?.getSettings().deviceId ?? "");
  const [videoId, setVideoId] = useState(() => choice.stream.getVideoTracks()[0]?.getSettings().deviceId ?? "");

  useEffect(() => {
    if (setup.transport === "p2p" && !socket) return;
    let cancelled = false;
    let current: CallTransport | null = null;
    void (async () => {
      try {
        const t: CallTransport =
          setup.transport === "p2p"
            ? new (await import("~/lib/call/p2p")).P2PTransport(socket!, {
                polite: setup.polite,
                iceServers: setup.iceServers,
                media: setup.media,
              })
            : new (await import("~/lib/call/livekit")).LiveKitTransport({
                media: setup.media,
                grant: setup.livekitGrant,
              });
        if (cancelled) return;
        current = t;
        setTransport(t);
        // The transport gets its own copies of the tracks and stops them when it ends.
        const stream = new MediaStream(choice.stream.getTracks().map((track) => track.clone()));
        await t.start({
          bookingId: setup.bookingId,
          media: setup.media,
          localStream: stream,
          micOn: choice.micOn,
          cameraOn: choice.cameraOn,
        });
      } catch (error) {
        if (!cancelled) setStartError(error instanceof Error ? error.message : String(error));
      }
    })();
    return () => {
      cancelled = true;
      void current?.leave();
    };
  }, [socket, setup, choice]);

  const snapshot = useSyncExternalStore(
    transport?.subscribe ?? noopSubscribe,
    transport?.getSnapshot ?? (() => placeholder(setup.media)),
    () => placeholder(setup.media),
  );
  const remoteVideo = useMediaElement<HTMLVideoElement>(setup.media === "video" ? snapshot.remoteStream : null);
  const remoteAudio = useMediaElement<HTMLAudioElement>(setup.media === "audio" ? snapshot.remoteStream : null);
  const selfView = useMediaElement<HTMLVideoElement>(setup.media === "video" ? snapshot.localStream : null);

  const act = (name: string, fn: () => Promise<void>) => async () => {
    setBusy(name);
    try {
      await fn();
    } catch (error) {
      setStartError(
        error instanceof Error && error.name === "NotAllowedError"
          ? "Sharing was not allowed."
          : error instanceof Error
            ? error.message
            : String(error),
      );
    } finally {
      setBusy(null);
    }
  };

  const leave = act("leave", async () => {
    await transport?.leave();
    onLeft();
  });

  const message = statusText(snapshot, setup.otherName);
  const error = startError ?? snapshot.error;
  const hasRemoteVideo = Boolean(snapshot.remoteStream?.getVideoTracks().length);
  const canShare =
    setup.media === "video" && typeof navigator !== "undefined" && Boolean(navigator.mediaDevices?.getDisplayMedia);

  return (
    <section aria-label="Call" className="overflow-hidden rounded-xl bg-slate-900 text-white shadow-sm">
      <div className="flex flex-wrap items-center justify-between gap-2 px-4 py-2 text-sm">
        <span>{snapshot.peer ? setup.otherName : "Just you so far"}</span>
        <QualityIndicator
          quality={snapshot.status === "connected" || snapshot.status === "reconnecting" ? snapshot.quality : "unknown"}
        />
      </div>
      <div className="relative aspect-video bg-slate-950">
        {setup.media === "video" ? (
          <video
            ref={remoteVideo}
            aria-label={`Video of ${setup.otherName}`}
            autoPlay
            playsInline
            className={clsx("h-full w-full object-contain", !hasRemoteVideo && "invisible")}
          />
        ) : (
          <>
            <audio ref={remoteAudio} aria-label={`Audio of ${setup.otherName}`} autoPlay />
            <div className="absolute inset-0 grid place-items-center">
              <div className="text-center">
                <div
                  aria-hidden
                  className="mx-auto grid h-24 w-24 place-items-center rounded-full bg-brand-600 text-3xl font-semibold"
                >
                  {initials(setup.otherName)}
                </div>
                <p className="mt-3 text-sm text-slate-300">
                  {snapshot.status === "connected" ? `On the phone with ${setup.otherName}` : setup.otherName}
                </p>
              </div>
            </div>
          </>
        )}
        {message ? (
          <div
            role="status"
            className="absolute inset-x-0 top-4 mx-auto w-fit rounded-full bg-slate-800/90 px-4 py-1.5 text-sm"
          >
            {snapshot.status === "waiting" ? null : <Spinner />} {message}
          </div>
        ) : null}
        {socketStatus === "offline" && snapshot.status !== "ended" ? (
          <div
            role="status"
            className="absolute inset-x-0 bottom-4 mx-auto w-fit rounded-full bg-amber-600/90 px-4 py-1.5 text-sm"
          >
            You are offline. Reconnecting…
          </div>
        ) : null}
        {setup.media === "video" ? (
          <div className="absolute bottom-3 right-3 aspect-video w-32 overflow-hidden rounded-md bg-slate-800 ring-1 ring-slate-600 sm:w-48">
            <video
              ref={selfView}
              aria-label="Your camera"
              autoPlay
              playsInline
              muted
              className={clsx(
                "h-full w-full object-cover",
                !snapshot.sharingScreen && "-scale-x-100",
                !snapshot.cameraOn && !snapshot.sharingScreen && "invisible",
              )}
            />
            {!snapshot.cameraOn && !snapshot.sharingScreen ? (
              <span className="absolute inset-0 grid place-items-center text-xs text-slate-300">Camera off</span>
            ) : null}
          </div>
        ) : null}
      </div>
      {error ? (
        <div className="p-3">
          <Alert>{error}</Alert>
        </div>
      ) : null}
      <div
        role="toolbar"
        aria-label="Call controls"
        className="flex flex-wrap items-center justify-center gap-2 px-4 py-3"
      >
        <Button
          type="button"
          variant="secondary"
          aria-pressed={!snapshot.micOn}
          disabled={!transport || busy !== null}
          onClick={act("mic", () => transport!.setMicEnabled(!snapshot.micOn))}
        >
          {snapshot.micOn ? "Mute" : "Unmute"}
        </Button>
        {setup.media === "video" ? (
          <Button
            type="button"
            variant="secondary"
            aria-pressed={!snapshot.cameraOn}
            disabled={!transport || busy !== null}
            onClick={act("camera", () => transport!.setCameraEnabled(!snapshot.cameraOn))}
          >
            {snapshot.cameraOn ? "Turn camera off" : "Turn camera on"}
          </Button>
        ) : null}
        {canShare ? (
          <Button
            type="button"
            variant="secondary"
            aria-pressed={snapshot.sharingScreen}
            disabled={!transport || busy !== null}
            onClick={act("share", () =>
              snapshot.sharingScreen ? transport!.stopScreenShare() : transport!.startScreenShare(),
            )}
          >
            {snapshot.sharingScreen ? "Stop sharing" : "Share screen"}
          </Button>
        ) : null}
        <Button
          type="button"
          variant="secondary"
          aria-expanded={showDevices}
          aria-controls="call-devices"
          onClick={() => {
            setShowDevices((v) => !v);
            void refresh();
          }}
        >
          Devices
        </Button>
        <Button type="button" variant="danger" busy={busy === "leave"} onClick={leave}>
          Leave
        </Button>
      </div>
      {showDevices ? (
        <div id="call-devices" className="grid gap-3 bg-white p-4 text-slate-900 sm:grid-cols-2">
          <DevicePicker
            label="Microphone"
            devices={devices.audioinput}
            value={audioId}
            disabled={!transport || busy !== null}
            onChange={(id) => {
              setAudioId(id);
              void act("device", () => transport!.switchDevice("audioinput", id))();
            }}
          />
          {setup.media === "video" ? (
            <DevicePicker
              label="Camera"
              devices={devices.videoinput}
              value={videoId}
              disabled={!transport || busy !== null}
              onChange={(id) => {
                setVideoId(id);
                void act("device", () => transport!.switchDevice("videoinput", id))();
              }}
            />
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

const noopSubscribe = () => () => {};
const placeholders = new Map<CallMedia, CallSnapshot>();
function placeholder(media: CallMedia) {
  if (!placeholders.has(media)) placeholders.set(media, initialSnapshot(media));
  return placeholders.get(media)!;
}

function initials(name: string) {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((p) => p[0]!.toUpperCase())
    .join("");
}
