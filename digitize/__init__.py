"""digitize: Vietnamese land certificates and ID cards to Form 01 records, offline.

Importing this package stays light: OCR engines (onnxruntime, tesserocr, paddle) are
loaded only when a backend is created.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
