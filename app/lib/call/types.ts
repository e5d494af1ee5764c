/**
 * One interface for a live call, whatever carries it: a direct WebRTC connection between the
 * two participants (p2p.ts, signalled over Socket.IO) or a LiveKit room (livekit.ts). The room
 * page drives a CallTransport and renders its snapshot; it never knows which one it has.
 */

export type CallStatus = "connecting" | "waiting" | "connected" | "reconnecting" | "ended" | "failed";
export type CallQuality = "excellent" | "good" | "poor" | "lost" | "unknown";
export type CallMedia = "video" | "audio";

export interface CallSnapshot {
  status: CallStatus;
  /** The other participant once they are in the call. */
  peer: { userId: string; name: string } | null;
  remoteStream: MediaStream | null;
  /** What this side sends (camera or screen), for the self view. */
  localStream: MediaStream | null;
  quality: CallQuality;
  micOn: boolean;
  cameraOn: boolean;
  sharingScreen: boolean;
  /** A problem to show (the call may still be running). */
  error: string | null;
}

export interface CallStartOptions {
  bookingId: string;
  media: CallMedia;
  /** The preview's stream; the transport takes it over (and stops it when the call ends). */
  localStream: MediaStream;
  micOn: boolean;
  cameraOn: boolean;
}

export interface CallTransport {
  readonly kind: "p2p" | "livekit";
  start(options: CallStartOptions): Promise<void>;
  getSnapshot(): CallSnapshot;
  subscribe(listener: () => void): () => void;
  setMicEnabled(on: boolean): Promise<void>;
  setCameraEnabled(on: boolean): Promise<void>;
  switchDevice(kind: "audioinput" | "videoinput", deviceId: string): Promise<void>;
  startScreenShare(): Promise<void>;
  stopScreenShare(): Promise<void>;
  leave(): Promise<void>;
}

export const initialSnapshot = (media: CallMedia): CallSnapshot => ({
  status: "connecting",
  peer: null,
  remoteStream: null,
  localStream: null,
  quality: "unknown",
  micOn: true,
  cameraOn: media === "video",
  sharingScreen: false,
  error: null,
});

/** Snapshot store shared by both transports (for useSyncExternalStore). */
export class SnapshotStore {
  private snapshot: CallSnapshot;
  private listeners = new Set<() => void>();
  constructor(media: CallMedia) {
    this.snapshot = initialSnapshot(media);
  }
  get = () => this.snapshot;
  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };
  set(patch: Partial<CallSnapshot>) {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const l of this.listeners) l();
  }
}

/** Call quality from a round-trip time (seconds) and a packet loss ratio (0..1). */
export function qualityFrom(rttSeconds: number | undefined, lossRatio: number | undefined): CallQuality {
  if (rttSeconds === undefined && lossRatio === undefined) return "unknown";
  const rtt = rttSeconds ?? 0;
  const loss = lossRatio ?? 0;
  if (loss > 0.1 || rtt > 0.6) return "poor";
  if (loss > 0.02 || rtt > 0.25) return "good";
  return "excellent";
}

/** A camera or microphone error as a sentence a person can act on. */
export function describeMediaError(error: unknown, media: CallMedia): string {
  const name =
    error instanceof Error || (error && typeof error === "object" && "name" in error)
      ? String((error as { name: string }).name)
      : "";
  const what = media === "video" ? "camera and microphone" : "microphone";
  if (name === "NotAllowedError" || name === "SecurityError")
    return `Tandem may not use your ${what}. Allow access in your browser's site settings (the icon left of the address), then try again.`;
  if (name === "NotFoundError" || name === "OverconstrainedError")
    return `No ${what} found. Connect one, then try again.`;
  if (name === "NotReadableError" || name === "AbortError")
    return `Your ${what} is in use by another application or could not be started. Close the other application, then try again.`;
  return `Your ${what} could not be started${error instanceof Error && error.message ? ` (${error.message})` : ""}.`;
}
