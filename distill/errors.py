"""Errors a user can act on: each message is one sentence saying what failed, why, and what to do."""


class DistillError(Exception):
    """Base for every error shown to the user as one clear sentence."""

    exit_code = 1


class InputError(DistillError):
    """A request was refused before any work: an empty question, a bad language code, ..."""


class SourceError(DistillError):
    """A source string or file could not be turned into a transcript."""


class NetworkError(SourceError):
    """A remote service could not be reached."""


class TranscribeError(DistillError):
    """Speech could not be turned into text."""


class SummarizeError(DistillError):
    """A transcript could not be summarized."""


class LLMError(DistillError):
    """A language model backend failed or is misconfigured."""


class LibraryError(DistillError):
    """The library (database) could not do what was asked."""


class NotFoundError(LibraryError):
    """An id does not exist in the library."""

    exit_code = 2


class AmbiguousIdError(LibraryError):
    """A short id stands for more than one stored thing."""


class ConflictError(LibraryError):
    """A change was refused because the record changed since it was read (or already exists)."""

    exit_code = 3
