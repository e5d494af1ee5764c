import { useEffect, useRef, useState } from "react";
import { Alert, Button, Spinner } from "~/components/ui";
import { type CallMedia, describeMediaError } from "~/lib/call/types";
import { DevicePicker, LevelMeter, useAudioLevel, useDevices, useMediaElement } from "./media";

export interface JoinChoice {
  stream: MediaStream;
  micOn: boolean;
  cameraOn: boolean;
}

/**
 * Before joining: a preview of the camera (video sessions) and a level meter for the
 * microphone, with pickers for both. Access refused or no device is explained in words.
 */
export function PreJoin({
  media,
  otherName,
  onJoin,
}: {
  media: CallMedia;
  otherName: string;
  onJoin: (choice: JoinChoice) => void;
}) {
  const { devices, refresh } = useDevices();
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [audioId, setAudioId] = useState("");
  const [videoId, setVideoId] = useState("");
  const [micOn, setMicOn] = useState(true);
  const [cameraOn, setCameraOn] = useState(media === "video");
  const [attempt, setAttempt] = useState(0);
  const handedOver = useRef<MediaStream | null>(null);
  const preview = useMediaElement<HTMLVideoElement>(stream);
  const level = useAudioLevel(stream, micOn);

  useEffect(() => {
    let cancelled = false;
    let acquired: MediaStream | null = null;
    setLoading(true);
    if (!navigator.mediaDevices?.getUserMedia) {
      setError(
        "This browser cannot use a camera or microphone here. Calls need a current browser and a secure (https) connection.",
      );
      setLoading(false);
      return;
    }
    navigator.mediaDevices
      .getUserMedia({
        audio: audioId ? { deviceId: { exact: audioId } } : true,
        video: media === "video" ? (videoId ? { deviceId: { exact: videoId } } : true) : false,
      })
      .then(async (s) => {
        if (cancelled) return s.getTracks().forEach((t) => t.stop());
        acquired = s;
        setStream(s);
        setError(null);
        await refresh();
        if (!audioId) setAudioId(s.getAudioTracks()[0]?.getSettings().deviceId ?? "");
        if (media === "video" && !videoId) setVideoId(s.getVideoTracks()[0]?.getSettings().deviceId ?? "");
      })
      .catch((e) => {
        if (!cancelled) setError(describeMediaError(e, media));
      })
      .finally(() => !cancelled && setLoading(false));
    return () => {
      cancelled = true;
      if (acquired && handedOver.current !== acquired) acquired.getTracks().forEach((t) => t.stop());
    };
    // audioId/videoId set from the first stream must not restart it: only a choice by the person does.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [media, attempt]);

  const choose = (kind: "audio" | "video", id: string) => {
    if (kind === "audio") setAudioId(id);
    else setVideoId(id);
    setAttempt((a) => a + 1);
  };

  useEffect(() => {
    for (const t of stream?.getAudioTracks() ?? []) t.enabled = micOn;
    for (const t of stream?.getVideoTracks() ?? []) t.enabled = cameraOn;
  }, [stream, micOn, cameraOn]);

  return (
    <section aria-labelledby="prejoin-title" className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
      <h2 id="prejoin-title" className="text-base font-semibold text-slate-900">
        {media === "video" ? "Check your camera and microphone" : "Check your microphone"}
      </h2>
      <p className="mt-1 text-sm text-slate-500">
        {media === "video"
          ? `${otherName} will see and hear you once you join.`
          : `A phone session: ${otherName} will hear you, nobody sees you.`}
      </p>
      <div className="mt-4 grid gap-4 md:grid-cols-2">
        {media === "video" ? (
          <div className="relative aspect-video overflow-hidden rounded-lg bg-slate-900">
            <video
              ref={preview}
              aria-label="Your camera preview"
              autoPlay
              playsInline
              muted
              className="h-full w-full -scale-x-100 object-cover"
            />
            {loading ? (
              <div className="absolute inset-0 grid place-items-center text-white">
                <Spinner label="Starting your camera…" />
              </div>
            ) : null}
            {!cameraOn && stream ? (
              <div className="absolute inset-0 grid place-items-center text-sm text-slate-200">Camera off</div>
            ) : null}
          </div>
        ) : (
          <div className="grid aspect-video place-items-center rounded-lg bg-slate-100 text-slate-600">
            {loading ? <Spinner label="Starting your microphone…" /> : "Audio only"}
          </div>
        )}
        <div className="space-y-3">
          <DevicePicker
            label="Microphone"
            devices={devices.audioinput}
            value={audioId}
            onChange={(id) => choose("audio", id)}
          />
          {media === "video" ? (
            <DevicePicker
              label="Camera"
              devices={devices.videoinput}
              value={videoId}
              onChange={(id) => choose("video", id)}
            />
          ) : null}
          <LevelMeter level={level} label="Microphone level" />
          <div className="flex flex-wrap gap-4 text-sm text-slate-700">
            <label className="inline-flex items-center gap-2">
              <input type="checkbox" checked={micOn} onChange={(e) => setMicOn(e.target.checked)} disabled={!stream} />{" "}
              Microphone on
            </label>
            {media === "video" ? (
              <label className="inline-flex items-center gap-2">
                <input
                  type="checkbox"
                  checked={cameraOn}
                  onChange={(e) => setCameraOn(e.target.checked)}
                  disabled={!stream}
                />{" "}
                Camera on
              </label>
            ) : null}
          </div>
        </div>
      </div>
      {error ? (
        <div className="mt-4 space-y-2">
          <Alert>{error}</Alert>
          <Button type="button" variant="secondary" onClick={() => setAttempt((a) => a + 1)}>
            Try again
          </Button>
        </div>
      ) : null}
      <div className="mt-5">
        <Button
          type="button"
          disabled={!stream || loading}
          onClick={() => {
            if (!stream) return;
            handedOver.current = stream;
            onJoin({ stream, micOn, cameraOn: media === "video" && cameraOn });
          }}
        >
          Join now
        </Button>
      </div>
    </section>
  );
}
