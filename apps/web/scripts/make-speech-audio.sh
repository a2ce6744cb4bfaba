#!/usr/bin/env bash
# Makes the bundled fallback recordings of the alert sentences (ALERT_SENTENCES in packages/protocol/src/alerts.ts),
# for browsers without the Web Speech API or without a voice. Run once when a sentence changes; the MP3s are
# committed (small, mono 22 kHz), so neither espeak-ng nor this script is needed at build or run time.
#   apt-get install espeak-ng && bash apps/web/scripts/make-speech-audio.sh
set -euo pipefail
out="$(cd "$(dirname "$0")/.." && pwd)/public/audio"
mkdir -p "$out"
say() {
  local name="$1" text="$2" wav
  wav="$(mktemp --suffix .wav)"
  espeak-ng -v en-us -s 150 -w "$wav" "$text"
  ffmpeg -v error -y -i "$wav" -ac 1 -ar 22050 -codec:a libmp3lame -b:a 32k "$out/$name.mp3"
  rm -f "$wav"
  echo "$out/$name.mp3"
}
say please-wear-a-face-mask 'Please wear a face mask'
say please-wear-your-mask-over-your-nose-and-mouth 'Please wear your mask over your nose and mouth'
