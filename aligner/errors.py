"""The package's exceptions: the CLI turns an AlignerError into one line and exit code 2
(130 for `Interrupted`)."""


class AlignerError(Exception):
    """Base of every error this package raises on purpose; the message says what to fix."""


class InputError(AlignerError):
    """An input file or argument cannot be used (names the file or argument and the fix)."""


class BackendError(AlignerError):
    """An embedding backend cannot be built (missing extra, unknown name, bad model path)."""


class Interrupted(AlignerError):
    """A build stopped by Ctrl-C or SIGTERM; says how many documents it kept for --resume."""
