import { useCallback, useEffect, useRef, useState } from "react";

export interface DeviceLists {
  audioinput: MediaDeviceInfo[];
  videoinput: MediaDeviceInfo[];
}

/** Microphones and cameras; labels appear once the person has allowed access. */
export function useDevices() {
  const [devices, setDevices] = useState<DeviceLists>({ audioinput: [], videoinput: [] });
  const refresh = useCallback(async () => {
    if (!navigator.mediaDevices?.enumerateDevices) return;
    const all = await navigator.mediaDevices.enumerateDevices();
    setDevices({
      audioinput: all.filter((d) => d.kind === "audioinput"),
      videoinput: all.filter((d) => d.kind === "videoinput"),
    });
  }, []);
  useEffect(() => {
    void refresh();
    navigator.mediaDevices?.addEventListener?.("devicechange", refresh);
    return () => navigator.mediaDevices?.removeEventListener?.("devicechange", refresh);
  }, [refresh]);
  return { devices, refresh };
}

/** The loudness (0..1) of a stream's first audio track, for a level meter. */
export function useAudioLevel(stream: MediaStream | null, enabled = true) {
  const [level, setLevel] = useState(0);
  useEffect(() => {
    const track = stream?.getAudioTracks()[0];
    if (!track || !enabled || typeof AudioContext === "undefined") {
      setLevel(0);
      return;
    }
    const context = new AudioContext();
    const source = context.createMediaStreamSource(new MediaStream([track]));
    const analyser = context.createAnalyser();
    analyser.fftSize = 512;
    source.connect(analyser);
    const samples = new Uint8Array(analyser.fftSize);
    let last = 0;
    let frame = requestAnimationFrame(function tick(t) {
      if (t - last > 100) {
        last = t;
        analyser.getByteTimeDomainData(samples);
        let peak = 0;
        for (const s of samples) peak = Math.max(peak, Math.abs(s - 128) / 128);
        setLevel(Math.min(1, peak * 1.5));
      }
      frame = requestAnimationFrame(tick);
    });
    return () => {
      cancelAnimationFrame(frame);
      source.disconnect();
      void context.close();
    };
  }, [stream, enabled]);
  return level;
}

/** Attaches a stream to a <video> or <audio> element. */
export function useMediaElement<T extends HTMLMediaElement>(stream: MediaStream | null) {
  const ref = useRef<T>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (el.srcObject !== stream) el.srcObject = stream;
    if (stream) void el.play().catch(() => undefined);
  }, [stream]);
  return ref;
}

export function DevicePicker({
  label,
  devices,
  value,
  onChange,
  disabled,
}: {
  label: string;
  devices: MediaDeviceInfo[];
  value: string;
  onChange: (deviceId: string) => void;
  disabled?: boolean;
}) {
  return (
    <label className="block text-sm font-medium text-slate-700">
      {label}
      <select
        className="mt-1 block w-full rounded-md border-0 px-3 py-2 text-sm shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-500"
        value={value}
        disabled={disabled || devices.length === 0}
        onChange={(e) => onChange(e.target.value)}
      >
        {devices.length === 0 ? <option value="">None found</option> : null}
        {devices.map((d, i) => (
          <option key={d.deviceId || i} value={d.deviceId}>
            {d.label || `${label} ${i + 1}`}
          </option>
        ))}
      </select>
    </label>
  );
}

export function LevelMeter({ level, label }: { level: number; label: string }) {
  return (
    <div className="flex items-center gap-2 text-xs text-slate-600">
      <span>{label}</span>
      <meter aria-label={label} min={0} max={1} low={0.1} high={0.9} optimum={0.5} value={level} className="h-2 w-32" />
    </div>
  );
}
