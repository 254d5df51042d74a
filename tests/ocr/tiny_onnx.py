"""A tiny CTC line model written as ONNX protobuf bytes by hand (no ``onnx``, no torch).

It keeps the recogniser contract of :mod:`digitize.ocr.line_input`: ``images``
``[N, 1, 32, W]`` in, ``logprobs`` ``[N, W / 4, classes]`` out.  One convolution looks at
each 32 x 4 column window: a dark window reads as class 1 (the charset's first
character), a white one as the blank, so every separate dark block decodes to one
character.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

# protobuf wire types
_VARINT, _BYTES = 0, 2
_FLOAT, _INT64 = 1, 7  # TensorProto.DataType
_ATTR_INT, _ATTR_INTS = 2, 7  # AttributeProto.AttributeType
OPSET = 13
SHARPNESS = 8.0  # logit scale of the dark/white decision
INK_MEAN = 0.9  # a window whose mean input value is below this (about 5 % ink) reads as a character


def _varint(value: int) -> bytes:
    value &= (1 << 64) - 1
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _key(field: int, wire: int) -> bytes:
    return _varint(field << 3 | wire)


def _int(field: int, value: int) -> bytes:
    return _key(field, _VARINT) + _varint(value)


def _bytes(field: int, value: bytes | str) -> bytes:
    data = value.encode() if isinstance(value, str) else value
    return _key(field, _BYTES) + _varint(len(data)) + data


def _tensor(name: str, array: np.ndarray) -> bytes:
    data_type = _INT64 if array.dtype == np.int64 else _FLOAT
    dims = b"".join(_int(1, d) for d in array.shape)
    return dims + _int(2, data_type) + _bytes(8, name) + _bytes(9, array.tobytes())


def _value_info(name: str, dims: list[int | str]) -> bytes:
    shape = b"".join(_bytes(1, _int(1, d) if isinstance(d, int) else _bytes(2, d)) for d in dims)
    tensor_type = _int(1, _FLOAT) + _bytes(2, shape)
    return _bytes(1, name) + _bytes(2, _bytes(1, tensor_type))


def _attr_ints(name: str, values: list[int]) -> bytes:
    return _bytes(1, name) + b"".join(_int(8, v) for v in values) + _int(20, _ATTR_INTS)


def _attr_int(name: str, value: int) -> bytes:
    return _bytes(1, name) + _int(3, value) + _int(20, _ATTR_INT)


def _node(op: str, inputs: list[str], outputs: list[str], attrs: list[bytes] = ()) -> bytes:  # type: ignore[assignment]
    body = b"".join(_bytes(1, i) for i in inputs) + b"".join(_bytes(2, o) for o in outputs)
    return body + _bytes(3, f"{op}_{outputs[0]}") + _bytes(4, op) + b"".join(_bytes(5, a) for a in attrs)


def tiny_model_bytes(classes: int) -> bytes:
    """The ONNX model's bytes for ``classes`` output classes (charset size + 1)."""
    weight = np.zeros((classes, 1, 32, 4), np.float32)
    weight[0] = SHARPNESS / 128.0  # blank: white (+1) windows
    weight[1] = -SHARPNESS / 128.0  # the first character: dark (-1) windows
    bias = np.zeros(classes, np.float32)
    bias[1] = 2 * SHARPNESS * INK_MEAN
    bias[2:] = -SHARPNESS  # every other class: never
    axes = np.array([2], np.int64)
    nodes = [
        _node("Conv", ["images", "W", "B"], ["conv"], [_attr_ints("kernel_shape", [32, 4]),
                                                        _attr_ints("strides", [32, 4])]),
        _node("Squeeze", ["conv", "axes"], ["squeezed"]),
        _node("Transpose", ["squeezed"], ["steps"], [_attr_ints("perm", [0, 2, 1])]),
        _node("LogSoftmax", ["steps"], ["logprobs"], [_attr_int("axis", 2)]),
    ]
    graph = (b"".join(_bytes(1, n) for n in nodes) + _bytes(2, "tiny_rec")
             + _bytes(5, _tensor("W", weight)) + _bytes(5, _tensor("B", bias)) + _bytes(5, _tensor("axes", axes))
             + _bytes(11, _value_info("images", ["N", 1, 32, "W"]))
             + _bytes(12, _value_info("logprobs", ["N", "T", classes])))
    opset = _bytes(1, "") + _int(2, OPSET)
    return _int(1, 8) + _bytes(2, "digitize-tests") + _bytes(7, graph) + _bytes(8, opset)


def write_tiny_model(folder: Path, charset: list[str]) -> tuple[Path, Path]:
    """``digitize_rec.onnx`` and ``vocab.json`` for ``charset`` in ``folder``."""
    import json

    folder.mkdir(parents=True, exist_ok=True)
    model = folder / "digitize_rec.onnx"
    model.write_bytes(tiny_model_bytes(len(charset) + 1))
    vocab = folder / "vocab.json"
    vocab.write_text(json.dumps({"charset": charset, "height": 32, "stride": 4}, ensure_ascii=False), "utf-8")
    return model, vocab


