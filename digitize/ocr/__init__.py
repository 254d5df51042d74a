"""OCR engines behind one interface, chosen by name (see :mod:`digitize.ocr.base`)."""

from digitize.ocr.base import OcrBackend, available_backends, backend_names, create_backend, register_backend

__all__ = ["OcrBackend", "available_backends", "backend_names", "create_backend", "register_backend"]
