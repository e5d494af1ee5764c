import {
  ConnectionQuality,
  ExternalE2EEKeyProvider,
  type Participant,
  type RemoteParticipant,
  type RemoteTrack,
  Room,
  RoomEvent,
  Track,
} from "livekit-client";
import { type CallQuality, type CallStartOptions, type CallTransport, SnapshotStore } from "./types";

/** Served from public/ (copied from livekit-client at build time by scripts/copy-e2ee-worker.mjs). */
export const E2EE_WORKER_URL = "/livekit-client.e2ee.worker.mjs";

export interface LiveKitGrant {
  url: string;
  token: string;
  /** The session's key, made on our server and given only to the two participants. */
  e2eeKey: string;
}

const qualities: Record<string, CallQuality> = {
  [ConnectionQuality.Excellent]: "excellent",
  [ConnectionQuality.Good]: "good",
  [ConnectionQuality.Poor]: "poor",
  [ConnectionQuality.Lost]: "lost",
  [ConnectionQuality.Unknown]: "unknown",
};

/**
 * A call through a LiveKit room, end-to-end encrypted with the session's own key (LiveKit
 * forwards frames it cannot read). A phone session publishes the microphone only.
 */
export class LiveKitTransport implements CallTransport {
  readonly kind = "livekit" as const;
  private store: SnapshotStore;
  private room: Room | null = null;
  private remote = new MediaStream();
  private worker: Worker | null = null;

  constructor(private options: { media: "video" | "audio"; grant: () => Promise<LiveKitGrant> }) {
    this.store = new SnapshotStore(options.media);
  }

  getSnapshot = () => this.store.get();
  subscribe = (listener: () => void) => this.store.subscribe(listener);

  async start({ localStream, micOn, cameraOn }: CallStartOptions) {
    // LiveKit opens the devices itself; keep the chosen ones and release the preview.
    const audioDevice = localStream.getAudioTracks()[0]?.getSettings().deviceId;
    const videoDevice = localStream.getVideoTracks()[0]?.getSettings().deviceId;
    for (const t of localStream.getTracks()) t.stop();

    const { url, token, e2eeKey } = await this.options.grant();
    const keyProvider = new ExternalE2EEKeyProvider();
    await keyProvider.setKey(e2eeKey);
    this.worker = new Worker(E2EE_WORKER_URL, { type: "module" });
    const room = new Room({ adaptiveStream: true, dynacast: true, encryption: { keyProvider, worker: this.worker } });
    this.room = room;

    const showPeer = () => {
      const other = [...room.remoteParticipants.values()][0];
      this.store.set({
        peer: other ? { userId: other.identity, name: other.name || other.identity } : null,
        status: other ? "connected" : "waiting",
      });
    };
    room
      .on(RoomEvent.ParticipantConnected, showPeer)
      .on(RoomEvent.ParticipantDisconnected, (p: RemoteParticipant) => {
        for (const pub of p.trackPublications.values())
          if (pub.track) this.remote.removeTrack(pub.track.mediaStreamTrack);
        this.store.set({ remoteStream: null });
        showPeer();
      })
      .on(RoomEvent.TrackSubscribed, (track: RemoteTrack) => {
        if (track.kind === Track.Kind.Video || track.kind === Track.Kind.Audio) {
          this.remote.addTrack(track.mediaStreamTrack);
          this.store.set({ remoteStream: new MediaStream(this.remote.getTracks()) });
        }
      })
      .on(RoomEvent.TrackUnsubscribed, (track: RemoteTrack) => {
        this.remote.removeTrack(track.mediaStreamTrack);
        this.store.set({ remoteStream: new MediaStream(this.remote.getTracks()) });
      })
      .on(RoomEvent.ConnectionQualityChanged, (quality: ConnectionQuality, participant: Participant) => {
        if (participant.isLocal) this.store.set({ quality: qualities[quality] ?? "unknown" });
      })
      .on(RoomEvent.Reconnecting, () => this.store.set({ status: "reconnecting" }))
      .on(RoomEvent.Reconnected, showPeer)
      .on(RoomEvent.Disconnected, () => this.store.set({ status: "ended", remoteStream: null }))
      .on(RoomEvent.EncryptionError, () =>
        this.store.set({ error: "The call could not be decrypted. Leave and join again." }),
      )
      .on(RoomEvent.LocalTrackPublished, () => this.showLocal());

    await room.connect(url, token);
    await room.setE2EEEnabled(true);
    await room.localParticipant.setMicrophoneEnabled(micOn, audioDevice ? { deviceId: audioDevice } : undefined);
    if (this.options.media === "video")
      await room.localParticipant.setCameraEnabled(cameraOn, videoDevice ? { deviceId: videoDevice } : undefined);
    this.store.set({ micOn, cameraOn: this.options.media === "video" && cameraOn });
    showPeer();
    this.showLocal();
  }

  private showLocal() {
    const room = this.room;
    if (!room) return;
    const screen = room.localParticipant.getTrackPublication(Track.Source.ScreenShare)?.track;
    const camera = room.localParticipant.getTrackPublication(Track.Source.Camera)?.track;
    const video = screen ?? camera;
    this.store.set({
      localStream: video ? new MediaStream([video.mediaStreamTrack]) : null,
      sharingScreen: Boolean(screen),
    });
  }

  async setMicEnabled(on: boolean) {
    await this.room?.localParticipant.setMicrophoneEnabled(on);
    this.store.set({ micOn: on });
  }

  async setCameraEnabled(on: boolean) {
    if (this.options.media !== "video") return;
    await this.room?.localParticipant.setCameraEnabled(on);
    this.store.set({ cameraOn: on });
    this.showLocal();
  }

  async switchDevice(kind: "audioinput" | "videoinput", deviceId: string) {
    await this.room?.switchActiveDevice(kind, deviceId);
    this.showLocal();
  }

  async startScreenShare() {
    await this.room?.localParticipant.setScreenShareEnabled(true);
    this.showLocal();
  }

  async stopScreenShare() {
    await this.room?.localParticipant.setScreenShareEnabled(false);
    this.showLocal();
  }

  async leave() {
    await this.room?.disconnect(true);
    this.worker?.terminate();
    this.store.set({ status: "ended", remoteStream: null, peer: null });
  }
}
