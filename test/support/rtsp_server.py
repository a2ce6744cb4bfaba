#!/usr/bin/python3
"""A local RTSP server for tests (GStreamer's gst-rtsp-server; apt: gir1.2-gst-rtsp-server-1.0 python3-gi).

    python3 rtsp_server.py <rtsp port> <udp port> [mount]

Serves rtsp://127.0.0.1:<rtsp port>/cam (or /<mount>): H.264 received as MPEG-TS on udp://127.0.0.1:<udp port> (what
`ffmpeg -re -stream_loop -1 -i clip.mp4 -c:v copy -f mpegts udp://127.0.0.1:<udp port>` sends), repacketised
as RTP. The media is shared between clients. Prints "ready" on stdout once listening.
"""
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

Gst.init(None)
rtsp_port, udp_port = sys.argv[1], int(sys.argv[2])
mount = sys.argv[3] if len(sys.argv) > 3 else "cam"

server = GstRtspServer.RTSPServer()
server.set_address("127.0.0.1")
server.set_service(rtsp_port)
factory = GstRtspServer.RTSPMediaFactory()
factory.set_launch(
    f'( udpsrc port={udp_port} caps="video/mpegts,systemstream=(boolean)true" buffer-size=2097152 do-timestamp=true '
    "! tsdemux ignore-pcr=true ! queue ! h264parse config-interval=-1 ! rtph264pay name=pay0 pt=96 config-interval=-1 )"
)
factory.set_shared(True)
server.get_mount_points().add_factory(f"/{mount}", factory)
if server.attach(None) == 0:
    sys.exit(f"cannot listen on 127.0.0.1:{rtsp_port}")
print("ready", flush=True)
GLib.MainLoop().run()
