"""The seed's own inference stack, timed on the same frames as `npm run bench:vision`.

As the original project ran it (detect_mask_video.py): an OpenCV DNN face detector, then every face of the frame
resized to 224x224, `preprocess_input`, and ONE Keras `model.predict` per frame on a MobileNetV2 (224x224,
AveragePooling2D(7) + Dense(128) + Dropout + Dense(2) head). The res10 SSD file of the seed cannot be had here,
so the detector is `cv2.FaceDetectorYN` with the same YuNet file the TypeScript side uses. The Keras weights
are random (no ImageNet weights can be downloaded): the cost of a forward pass does not depend on them.

    python seed_stack.py --frames DIR --yunet PATH [--warmup 3] [--rounds 3]
    python seed_stack.py --list FILE --yunet PATH [--warmup 3]

Prints one JSON line on stdout: {"ok": true, ...timings} or {"ok": false, "missing": [...], "error": "..."}.
With --list (a file of image paths, one a line, as `detect --images-from` takes): one pass over the list, each
photo read with cv2.imread inside the timed loop, after a warm-up on its first images; `loopSeconds` is that loop,
`setupSeconds` the imports and model building before it (the bench also times the whole process from outside).
"""
import time

STARTED = time.perf_counter()

import argparse
import glob
import json
import os
import sys


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--frames")
    ap.add_argument("--list")
    ap.add_argument("--yunet", required=True)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=3, help="keep the fastest of N rounds, as the TypeScript bench does")
    args = ap.parse_args()
    if (args.frames is None) == (args.list is None):
        ap.error("give --frames DIR or --list FILE")

    missing = []
    try:
        import numpy as np
    except ImportError:
        missing.append("numpy")
    try:
        import cv2
    except ImportError:
        missing.append("opencv-python (cv2)")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        import keras  # noqa: F401
    except ImportError:
        try:
            from tensorflow import keras  # noqa: F401
        except ImportError:
            missing.append("keras / tensorflow-cpu")
    if missing:
        print(json.dumps({"ok": False, "missing": missing, "python": sys.executable, "error": f"{sys.executable} lacks {', '.join(missing)}"}))
        return 0

    import keras
    from keras import layers

    base = keras.applications.MobileNetV2(weights=None, include_top=False, input_tensor=layers.Input(shape=(224, 224, 3)))
    head = layers.AveragePooling2D(pool_size=(7, 7))(base.output)
    head = layers.Flatten()(head)
    head = layers.Dense(128, activation="relu")(head)
    head = layers.Dropout(0.5)(head)
    head = layers.Dense(2, activation="softmax")(head)
    model = keras.Model(inputs=base.input, outputs=head)
    preprocess = keras.applications.mobilenet_v2.preprocess_input

    detector = cv2.FaceDetectorYN.create(args.yunet, "", (320, 320), 0.6, 0.3, 5000)

    def detect(frame):
        h, w = frame.shape[:2]
        detector.setInputSize((w, h))
        _, faces = detector.detect(frame)
        return [] if faces is None else faces

    def classify(frame, faces):
        h, w = frame.shape[:2]
        crops = []
        for f in faces:
            x, y, fw, fh = (int(v) for v in f[:4])
            x1, y1, x2, y2 = max(0, x), max(0, y), min(w - 1, x + fw), min(h - 1, y + fh)
            if x2 <= x1 or y2 <= y1:
                continue
            face = cv2.cvtColor(frame[y1:y2, x1:x2], cv2.COLOR_BGR2RGB)
            crops.append(preprocess(cv2.resize(face, (224, 224)).astype("float32")))
        if crops:
            model.predict(np.array(crops, dtype="float32"), batch_size=32, verbose=0)
        return len(crops)

    if args.list is not None:
        with open(args.list, encoding="utf-8") as f:
            paths = [line.rstrip("\r\n") for line in f if line.strip()]
        for p in paths[: args.warmup]:
            frame = cv2.imread(p)
            if frame is not None:
                classify(frame, detect(frame))
        setup_s = time.perf_counter() - STARTED
        n_faces = unreadable = 0
        t0 = time.perf_counter()
        for p in paths:
            frame = cv2.imread(p)
            if frame is None:
                unreadable += 1
                continue
            n_faces += classify(frame, detect(frame))
        loop_s = time.perf_counter() - t0
        print(json.dumps({
            "ok": True,
            "images": len(paths),
            "unreadable": unreadable,
            "faces": n_faces,
            "setupSeconds": setup_s,
            "loopSeconds": loop_s,
            "versions": {"opencv": cv2.__version__, "keras": keras.__version__},
        }))
        return 0

    paths = sorted(glob.glob(os.path.join(args.frames, "*.png")))
    frames = [cv2.imread(p) for p in paths]
    for frame in frames[: args.warmup]:
        classify(frame, detect(frame))

    detect_s = total_s = float("inf")
    n_faces = 0
    for _ in range(max(1, args.rounds)):
        t0 = time.perf_counter()
        for frame in frames:
            detect(frame)
        detect_s = min(detect_s, time.perf_counter() - t0)

        n_faces = 0
        t0 = time.perf_counter()
        for frame in frames:
            n_faces += classify(frame, detect(frame))
        total_s = min(total_s, time.perf_counter() - t0)

    print(json.dumps({
        "ok": True,
        "frames": len(frames),
        "faces": n_faces,
        "detectImagesPerSec": len(frames) / detect_s,
        "imagesPerSec": len(frames) / total_s,
        "msPerFrame": 1000 * total_s / len(frames),
        "versions": {"opencv": cv2.__version__, "keras": keras.__version__},
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
