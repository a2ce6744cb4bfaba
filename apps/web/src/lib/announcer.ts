/**
 * Sound for alerts: the spoken sentence (Web Speech API, else the bundled recording) and the console's chime
 * (Web Audio, no file). Phones play sound only after a tap: `unlockAudio()` must be called inside one (the
 * camera page's Start tap, the console's sound switch); it primes speech, the audio element and the audio context.
 */
import { ALERT_AUDIO, ALERT_SENTENCES, type AlertLabel } from '@maskwatch/protocol/alerts';

/** Speech that has not started by then is given up for the recording (no voice installed, synthesis failing). */
const SPEECH_START_MS = 1500;

let context: AudioContext | null = null;
let player: HTMLAudioElement | null = null;

export type Spoken = 'speech' | 'audio' | 'failed';

function hasSpeech(): boolean {
  return typeof window !== 'undefined' && 'speechSynthesis' in window && 'SpeechSynthesisUtterance' in window;
}

/** Call from a user gesture (a tap or click handler, before any await). */
export function unlockAudio(): void {
  try {
    context ??= new AudioContext();
    void context.resume();
  } catch {
    context = null;
  }
  if (hasSpeech()) {
    const silent = new SpeechSynthesisUtterance(' ');
    silent.volume = 0;
    window.speechSynthesis.speak(silent);
  }
  player ??= new Audio();
  player.muted = true;
  player.src = ALERT_AUDIO.no_mask;
  player
    .play()
    .then(() => {
      player?.pause();
      if (player) {
        player.muted = false;
        player.currentTime = 0;
      }
    })
    .catch(() => {
      if (player) player.muted = false;
    });
}

function playRecording(label: AlertLabel): Promise<Spoken> {
  player ??= new Audio();
  player.muted = false;
  player.src = ALERT_AUDIO[label];
  player.currentTime = 0;
  return player.play().then(
    () => 'audio',
    () => 'failed',
  );
}

/** Says the sentence for `label`; resolves with how it was said. */
export function sayAlert(label: AlertLabel): Promise<Spoken> {
  if (!hasSpeech()) return playRecording(label);
  const synth = window.speechSynthesis;
  synth.cancel();
  const utterance = new SpeechSynthesisUtterance(ALERT_SENTENCES[label]);
  utterance.lang = 'en-US';
  utterance.rate = 0.95;
  return new Promise((resolve) => {
    let settled = false;
    const fallBack = (): void => {
      if (settled) return;
      settled = true;
      synth.cancel();
      void playRecording(label).then(resolve);
    };
    const timer = setTimeout(fallBack, SPEECH_START_MS);
    utterance.onstart = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve('speech');
    };
    utterance.onerror = () => {
      clearTimeout(timer);
      fallBack();
    };
    synth.speak(utterance);
  });
}

/** Two short tones: a new alert on the console. */
export function chime(): void {
  if (!context) {
    try {
      context = new AudioContext();
    } catch {
      return;
    }
  }
  const ctx = context;
  if (ctx.state === 'suspended') void ctx.resume();
  const start = ctx.currentTime + 0.02;
  [880, 660].forEach((frequency, i) => {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'sine';
    osc.frequency.value = frequency;
    const t = start + i * 0.18;
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.25, t + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.16);
    osc.connect(gain).connect(ctx.destination);
    osc.start(t);
    osc.stop(t + 0.18);
  });
}
