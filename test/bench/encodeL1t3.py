"""VP8 with three temporal layers (L1T3) as browsers send it, for bench:live (test/bench/vp8Source.ts).

    /usr/bin/python3 test/bench/encodeL1t3.py INPUT OUTPUT.webm WIDTH HEIGHT FPS KBPS

GStreamer's vp8enc with the reference flags of libvpx's 0-2-1-2 pattern set per frame: layer 0 refers to layer 0
only, layer 1 to layer 0, layer 2 to layers 0 and 1, so a receiver of layer 0 alone decodes a clean picture. (ffmpeg
5.1's `-ts-parameters ts_layering_mode=3` sets the layer ids but not these flags: its layer 0 alone decodes to
garbage.) Python because the encoder's layer-id and rate-decimator properties are GValueArrays, which gst-launch
cannot parse; python3-gi comes with Debian's GStreamer.
"""
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402

# error-resilient: each frame starts from the default probabilities (as WebRTC encodes layers), else a layer-1
# frame's entropy update is missing to a receiver of layer 0.
# Per position in the 4-frame pattern 0-2-1-2: what the frame may refer to and which buffers it updates.
FLAGS = [
    "no-ref-golden+no-ref-alt+no-upd-golden+no-upd-alt",  # layer 0: last only, updates last
    "no-ref-golden+no-ref-alt+no-upd-last+no-upd-golden+no-upd-alt+no-upd-entropy",  # layer 2 (sync): layer 0
    "no-ref-golden+no-ref-alt+no-upd-last+no-upd-alt",  # layer 1 (sync): layer 0, updates golden
    "no-ref-alt+no-upd-last+no-upd-golden+no-upd-alt+no-upd-entropy",  # layer 2: layers 0 and 1
]


def main() -> int:
    src, out, width, height, fps, kbps = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:7])
    Gst.init(None)
    pipe = Gst.parse_launch(
        f'filesrc location="{src}" ! decodebin ! videoconvert ! videoscale add-borders=true ! videorate ! '
        f"video/x-raw,format=I420,width={width},height={height},framerate={fps}/1,pixel-aspect-ratio=1/1 ! "
        f"vp8enc name=enc deadline=1 cpu-used=8 end-usage=cbr target-bitrate={kbps * 1000} keyframe-max-dist=100000 error-resilient=default "
        f'temporal-scalability-layer-flags="<{", ".join(FLAGS)}>" '
        'temporal-scalability-layer-sync-flags="<false,true,true,false>" '
        f'! webmmux ! filesink location="{out}"'
    )
    enc = pipe.get_by_name("enc")
    enc.set_property("temporal-scalability-number-layers", 3)
    enc.set_property("temporal-scalability-periodicity", 4)
    enc.set_property("temporal-scalability-rate-decimator", [4, 2, 1])
    enc.set_property("temporal-scalability-layer-id", [0, 2, 1, 2])
    enc.set_property("temporal-scalability-target-bitrate", [kbps * 250, kbps * 500, kbps * 1000])
    pipe.set_state(Gst.State.PLAYING)
    msg = pipe.get_bus().timed_pop_filtered(Gst.CLOCK_TIME_NONE, Gst.MessageType.EOS | Gst.MessageType.ERROR)
    pipe.set_state(Gst.State.NULL)
    if msg.type == Gst.MessageType.ERROR:
        err, debug = msg.parse_error()
        print(f"encodeL1t3: {err.message} ({debug})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
