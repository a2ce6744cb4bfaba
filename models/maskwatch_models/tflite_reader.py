"""Minimal reader of a .tflite flatbuffer: tensors (shape, type, quantization, data) and operators.

TensorFlow is ~600 MB and only needed to read one file, so this walks the flatbuffer directly. Field indices follow
tensorflow/lite/schema/schema.fbs (Model, SubGraph, Tensor, QuantizationParameters, Buffer, Operator, OperatorCode).
"""
from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np

_TYPES = {0: np.float32, 1: np.float16, 2: np.int32, 3: np.uint8, 4: np.int64, 7: np.int16, 9: np.int8}


class _Table:
    def __init__(self, buf: bytes, pos: int):
        self.buf, self.pos = buf, pos
        vt = pos - struct.unpack_from("<i", buf, pos)[0]
        self.vt_len = struct.unpack_from("<H", buf, vt)[0]
        self.vt = vt

    def _off(self, field: int) -> int:
        o = 4 + 2 * field
        if o >= self.vt_len:
            return 0
        return struct.unpack_from("<H", self.buf, self.vt + o)[0]

    def scalar(self, field: int, fmt: str, default=0):
        o = self._off(field)
        return default if o == 0 else struct.unpack_from("<" + fmt, self.buf, self.pos + o)[0]

    def _indirect(self, field: int) -> int | None:
        o = self._off(field)
        if o == 0:
            return None
        p = self.pos + o
        return p + struct.unpack_from("<I", self.buf, p)[0]

    def table(self, field: int) -> "_Table | None":
        p = self._indirect(field)
        return None if p is None else _Table(self.buf, p)

    def string(self, field: int) -> str:
        p = self._indirect(field)
        if p is None:
            return ""
        n = struct.unpack_from("<I", self.buf, p)[0]
        return self.buf[p + 4 : p + 4 + n].decode("utf-8")

    def vector(self, field: int, dtype) -> np.ndarray:
        p = self._indirect(field)
        if p is None:
            return np.zeros(0, dtype)
        n = struct.unpack_from("<I", self.buf, p)[0]
        return np.frombuffer(self.buf, dtype=dtype, count=n, offset=p + 4)

    def tables(self, field: int) -> list["_Table"]:
        p = self._indirect(field)
        if p is None:
            return []
        n = struct.unpack_from("<I", self.buf, p)[0]
        out = []
        for i in range(n):
            e = p + 4 + 4 * i
            out.append(_Table(self.buf, e + struct.unpack_from("<I", self.buf, e)[0]))
        return out


@dataclass
class Tensor:
    index: int
    name: str
    shape: tuple[int, ...]
    dtype: type
    scale: np.ndarray
    zero_point: np.ndarray
    quantized_dimension: int
    data: np.ndarray | None  # raw (still quantized) values, None for activations

    def dequantize(self) -> np.ndarray:
        assert self.data is not None, f"{self.name} has no constant data"
        q = self.data.astype(np.float64)
        if self.scale.size == 0:
            return q.astype(np.float32)
        bshape = [1] * q.ndim
        if self.scale.size > 1:
            bshape[self.quantized_dimension] = -1
        s = self.scale.reshape(bshape)
        z = self.zero_point.astype(np.float64).reshape(bshape) if self.zero_point.size else 0.0
        return (s * (q - z)).astype(np.float32)


@dataclass
class Operator:
    opcode: int
    inputs: list[int]
    outputs: list[int]


@dataclass
class TFLiteModel:
    tensors: list[Tensor]
    operators: list[Operator]
    inputs: list[int]
    outputs: list[int]


def read_tflite(path: str) -> TFLiteModel:
    with open(path, "rb") as f:
        buf = f.read()
    model = _Table(buf, struct.unpack_from("<I", buf, 0)[0])
    buffers = model.tables(4)
    codes = []
    for c in model.tables(1):
        code = c.scalar(3, "i", 0)
        codes.append(code if code else c.scalar(0, "b", 0))
    sg = model.tables(2)[0]
    tensors = []
    for i, t in enumerate(sg.tables(0)):
        shape = tuple(int(x) for x in t.vector(0, np.int32))
        dtype = _TYPES[t.scalar(1, "b", 0)]
        q = t.table(4)
        scale = q.vector(2, np.float32) if q else np.zeros(0, np.float32)
        zp = q.vector(3, np.int64) if q else np.zeros(0, np.int64)
        qdim = q.scalar(6, "i", 0) if q else 0
        b = buffers[t.scalar(2, "I", 0)]
        raw = b.vector(0, np.uint8)
        data = raw.view(dtype).reshape(shape) if raw.size else None
        tensors.append(Tensor(i, t.string(3), shape, dtype, scale.copy(), zp.copy(), qdim, data))
    ops = [
        Operator(codes[o.scalar(0, "I", 0)], [int(x) for x in o.vector(1, np.int32)], [int(x) for x in o.vector(2, np.int32)])
        for o in sg.tables(3)
    ]
    return TFLiteModel(tensors, ops, [int(x) for x in sg.vector(1, np.int32)], [int(x) for x in sg.vector(2, np.int32)])
