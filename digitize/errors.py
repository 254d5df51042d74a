"""Exception classes and the CLI's exit codes.

Exit codes follow the OCRmyPDF convention of telling apart who is at fault:
the caller (bad arguments), the input (a bad file) or us (an internal error).
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    BAD_ARGS = 2  # click's own code for usage errors
    BAD_INPUT = 3  # at least one input file could not be read
    MISSING_DEPENDENCY = 4  # a system package or model file is missing
    INTERNAL_ERROR = 15


class DigitizeError(Exception):
    """Base class; ``code`` is a short machine-readable slug."""

    code = "error"
    exit_code = ExitCode.INTERNAL_ERROR


class InputError(DigitizeError):
    """The input file cannot be processed (corrupt, wrong type, too large, encrypted...)."""

    code = "bad_input"
    exit_code = ExitCode.BAD_INPUT

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        if code:
            self.code = code


class UnsupportedFormat(InputError):
    code = "unsupported_format"


class CorruptFile(InputError):
    code = "corrupt_file"


class EncryptedFile(InputError):
    code = "encrypted_file"


class ImageTooLarge(InputError):
    code = "image_too_large"


class EmptyFile(InputError):
    code = "empty_file"


class MissingDependency(DigitizeError):
    """A system package, Python extra or model file the chosen step needs is absent."""

    code = "missing_dependency"
    exit_code = ExitCode.MISSING_DEPENDENCY


class BackendError(DigitizeError):
    """An OCR backend failed on a page."""

    code = "backend_error"
