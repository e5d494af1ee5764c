import type { CallPeer, CallSignal } from "@realtime/contracts.ts";
import type { TandemClientSocket } from "../realtime";
import { type CallStartOptions, type CallTransport, qualityFrom, SnapshotStore } from "./types";

type IceServer = { urls: string | string[]; username?: string; credential?: string };

/**
 * A direct WebRTC call between the booking's two participants, signalled over the app's
 * Socket.IO connection (`call:join`, `call:signal`, `call:leave`). Media is encrypted by
 * WebRTC's DTLS-SRTP. Negotiation follows the "perfect negotiation" pattern: both sides may
 * offer at any time; on a collision the polite side (the client) yields.
 */
export class P2PTransport implements CallTransport {
  readonly kind = "p2p" as const;
  private store: SnapshotStore;
  private pc: RTCPeerConnection | null = null;
  private peer: CallPeer | null = null;
  private makingOffer = false;
  private ignoreOffer = false;
  private local: MediaStream | null = null;
  private camera: MediaStreamTrack | null = null;
  private screen: MediaStreamTrack | null = null;
  private bookingId = "";
  private statsTimer: ReturnType<typeof setInterval> | null = null;
  private lastInbound = { lost: 0, received: 0 };
  private left = false;
  private detach: (() => void) | null = null;
  private offerTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private socket: TandemClientSocket,
    private options: { polite: boolean; iceServers: IceServer[]; media: "video" | "audio" },
  ) {
    this.store = new SnapshotStore(options.media);
  }

  getSnapshot = () => this.store.get();
  subscribe = (listener: () => void) => this.store.subscribe(listener);

  async start({ bookingId, localStream, micOn, cameraOn }: CallStartOptions) {
    this.bookingId = bookingId;
    this.local = localStream;
    this.camera = localStream.getVideoTracks()[0] ?? null;
    for (const t of localStream.getAudioTracks()) t.enabled = micOn;
    if (this.camera) this.camera.enabled = cameraOn;
    this.store.set({ localStream, micOn, cameraOn: Boolean(this.camera) && cameraOn, status: "connecting" });

    const onPeer = (p: { bookingId: string; peer: CallPeer; present: boolean }) => {
      if (p.bookingId !== this.bookingId) return;
      if (p.present) this.connectTo(p.peer, true);
      else if (this.peer?.socketId === p.peer.socketId) {
        this.closePeerConnection();
        this.peer = null;
        this.store.set({ status: "waiting", peer: null, remoteStream: null, quality: "unknown" });
      }
    };
    const onSignal = (s: CallSignal & { from: CallPeer }) => {
      // Meant for another tab of this person (or an earlier socket of this one).
      if (s.bookingId !== this.bookingId || (s.to && s.to !== this.socket.id)) return;
      void this.onSignal(s).catch((error) =>
        this.store.set({ error: `Connection problem: ${error instanceof Error ? error.message : String(error)}` }),
      );
    };
    const onConnect = () => {
      // Our socket is new: the other side starts afresh with it, and so do we.
      this.closePeerConnection();
      this.peer = null;
      void this.join();
    };
    const onDisconnect = () => {
      if (!this.left) this.store.set({ status: this.pc ? "reconnecting" : "connecting" });
    };
    this.socket.on("call:peer", onPeer);
    this.socket.on("call:signal", onSignal);
    this.socket.on("connect", onConnect);
    this.socket.on("disconnect", onDisconnect);
    this.detach = () => {
      this.socket.off("call:peer", onPeer);
      this.socket.off("call:signal", onSignal);
      this.socket.off("connect", onConnect);
      this.socket.off("disconnect", onDisconnect);
    };
    if (this.socket.connected) await this.join();
    this.statsTimer = setInterval(() => void this.sampleQuality(), 2000);
  }

  private async join() {
    const res = await this.socket.emitWithAck("call:join", { bookingId: this.bookingId });
    if (!res.ok) {
      this.store.set({ status: "failed", error: res.error.message });
      return;
    }
    const other = res.data.peers[0];
    if (!other) {
      if (!this.pc) this.store.set({ status: "waiting" });
      return;
    }
    // The one already in the call offers (it was told we arrived); we answer. Only if no offer
    // comes do we offer ourselves, so that the two rarely collide.
    if (this.pc && this.peer?.socketId === other.socketId) return;
    this.peer = other;
    this.store.set({ peer: { userId: other.userId, name: other.name }, status: "connecting" });
    if (this.offerTimer) clearTimeout(this.offerTimer);
    this.offerTimer = setTimeout(() => {
      if (!this.left && !this.pc && this.peer?.socketId === other.socketId) this.connectTo(other, true);
    }, 4000);
  }

  /** (Re)creates the peer connection for this peer; a new socket id means a fresh start. */
  private connectTo(peer: CallPeer, fresh: boolean) {
    if (this.pc && this.peer?.socketId === peer.socketId && !fresh) return;
    this.closePeerConnection();
    this.peer = peer;
    this.store.set({ peer: { userId: peer.userId, name: peer.name }, status: "connecting", remoteStream: null });
    const pc = new RTCPeerConnection({ iceServers: this.options.iceServers });
    this.pc = pc;
    this.makingOffer = false;
    this.ignoreOffer = false;
    const remote = new MediaStream();
    pc.ontrack = ({ track }) => {
      remote.addTrack(track);
      this.store.set({ remoteStream: remote });
      track.onunmute = () => this.store.set({ remoteStream: remote });
    };
    pc.onnegotiationneeded = async () => {
      try {
        this.makingOffer = true;
        await pc.setLocalDescription();
        if (pc.localDescription)
          this.send({ description: { type: pc.localDescription.type as "offer", sdp: pc.localDescription.sdp } });
      } catch (error) {
        this.store.set({
          error: `Could not start the call: ${error instanceof Error ? error.message : String(error)}`,
        });
      } finally {
        this.makingOffer = false;
      }
    };
    pc.onicecandidate = ({ candidate }) => {
      if (candidate) this.send({ candidate: candidate.toJSON() as CallSignal["candidate"] });
    };
    pc.onconnectionstatechange = () => {
      if (pc !== this.pc) return;
      const state = pc.connectionState;
      if (state === "connected") this.store.set({ status: "connected", error: null });
      else if (state === "disconnected") this.store.set({ status: "reconnecting" });
      else if (state === "failed") {
        this.store.set({ status: "reconnecting" });
        pc.restartIce();
      }
    };
    const screen = this.screen;
    for (const track of this.local?.getAudioTracks() ?? []) pc.addTrack(track, this.local!);
    const video = screen ?? this.camera;
    if (video) pc.addTrack(video, this.local!);
  }

  private async onSignal({ description, candidate, from }: CallSignal & { from: CallPeer }) {
    if (!this.pc || this.peer?.socketId !== from.socketId) this.connectTo(from, false);
    const pc = this.pc!;
    if (description) {
      const collision = description.type === "offer" && (this.makingOffer || pc.signalingState !== "stable");
      this.ignoreOffer = !this.options.polite && collision;
      if (this.ignoreOffer) return;
      await pc.setRemoteDescription(description as RTCSessionDescriptionInit);
      if (description.type === "offer") {
        await pc.setLocalDescription();
        if (pc.localDescription)
          this.send({ description: { type: pc.localDescription.type as "answer", sdp: pc.localDescription.sdp } });
      }
    } else if (candidate !== undefined) {
      try {
        await pc.addIceCandidate(candidate ?? undefined);
      } catch (error) {
        if (!this.ignoreOffer) throw error;
      }
    }
  }

  private send(signal: Omit<CallSignal, "bookingId">) {
    this.socket.emit(
      "call:signal",
      { bookingId: this.bookingId, to: this.peer?.socketId, ...signal } as CallSignal,
      (res) => {
        if (!res.ok) this.store.set({ error: res.error.message });
      },
    );
  }

  private async sampleQuality() {
    const pc = this.pc;
    if (!pc || pc.connectionState !== "connected") {
      if (this.store.get().status === "reconnecting") this.store.set({ quality: "lost" });
      return;
    }
    const stats = await pc.getStats();
    let rtt: number | undefined;
    let lost = 0;
    let received = 0;
    stats.forEach((s: RTCStats & Record<string, unknown>) => {
      if (s.type === "candidate-pair" && s.state === "succeeded" && typeof s.currentRoundTripTime === "number")
        rtt = s.currentRoundTripTime;
      if (s.type === "inbound-rtp") {
        lost += Number(s.packetsLost ?? 0);
        received += Number(s.packetsReceived ?? 0);
      }
    });
    const dLost = lost - this.lastInbound.lost;
    const dReceived = received - this.lastInbound.received;
    this.lastInbound = { lost, received };
    const loss = dLost + dReceived > 0 ? Math.max(0, dLost) / (dLost + dReceived) : undefined;
    this.store.set({ quality: qualityFrom(rtt, loss) });
  }

  private videoSender() {
    return this.pc?.getSenders().find((s) => s.track?.kind === "video" || (s.track === null && this.camera)) ?? null;
  }

  async setMicEnabled(on: boolean) {
    for (const t of this.local?.getAudioTracks() ?? []) t.enabled = on;
    this.store.set({ micOn: on });
  }

  async setCameraEnabled(on: boolean) {
    if (!this.camera) return;
    this.camera.enabled = on;
    this.store.set({ cameraOn: on });
  }

  async switchDevice(kind: "audioinput" | "videoinput", deviceId: string) {
    const stream = await navigator.mediaDevices.getUserMedia(
      kind === "audioinput"
        ? { audio: { deviceId: { exact: deviceId } } }
        : { video: { deviceId: { exact: deviceId } } },
    );
    const track = kind === "audioinput" ? stream.getAudioTracks()[0]! : stream.getVideoTracks()[0]!;
    const old = kind === "audioinput" ? this.local?.getAudioTracks()[0] : this.camera;
    track.enabled = old ? old.enabled : true;
    const sender = this.pc?.getSenders().find((s) => s.track === old);
    if (kind === "videoinput") {
      this.camera = track;
      if (!this.screen) await sender?.replaceTrack(track);
    } else await sender?.replaceTrack(track);
    if (old) {
      this.local?.removeTrack(old);
      old.stop();
    }
    this.local?.addTrack(track);
    this.store.set({ localStream: this.local ? new MediaStream(this.local.getTracks()) : null });
  }

  async startScreenShare() {
    const display = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    const track = display.getVideoTracks()[0]!;
    const sender = this.videoSender();
    await sender?.replaceTrack(track);
    this.screen = track;
    track.onended = () => void this.stopScreenShare();
    this.store.set({ sharingScreen: true, localStream: display });
  }

  async stopScreenShare() {
    if (!this.screen) return;
    const sender = this.pc?.getSenders().find((s) => s.track === this.screen);
    await sender?.replaceTrack(this.camera);
    this.screen.stop();
    this.screen = null;
    this.store.set({ sharingScreen: false, localStream: this.local });
  }

  private closePeerConnection() {
    if (!this.pc) return;
    this.pc.ontrack = this.pc.onnegotiationneeded = this.pc.onicecandidate = this.pc.onconnectionstatechange = null;
    this.pc.close();
    this.pc = null;
  }

  async leave() {
    if (this.left) return;
    this.left = true;
    if (this.statsTimer) clearInterval(this.statsTimer);
    if (this.offerTimer) clearTimeout(this.offerTimer);
    this.detach?.();
    this.closePeerConnection();
    this.screen?.stop();
    for (const t of this.local?.getTracks() ?? []) t.stop();
    if (this.socket.connected)
      await this.socket.emitWithAck("call:leave", { bookingId: this.bookingId }).catch(() => undefined);
    this.store.set({ status: "ended", remoteStream: null, peer: null });
  }
}
