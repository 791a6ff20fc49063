"""The ``amplify`` command installed with the package: the same command line as the Rust binary."""

from __future__ import annotations

import signal
import sys

from . import _amplify


def main() -> None:
    """Runs ``amplify`` with this process's arguments and exits with its status."""
    # Ctrl-C ends the command at once, as it does the binary (Python's handler would wait).
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    sys.exit(_amplify.cli(["amplify", *sys.argv[1:]]))


if __name__ == "__main__":
    main()
