"""The `colibri` console script, and `python -m colibri_cli`.

It stands apart from the commands so that Ctrl-C is answered from the first moment: the
commands take a tenth of a second to import, and an interrupt in that time used to end in a
KeyboardInterrupt traceback. Until a command starts, nothing has been read or written, so
Ctrl-C ends colibri at once; from then on it raises KeyboardInterrupt as usual, and the
command rolls back and exits 130 (`ColibriGroup.main`).
"""

import _signal  # not `signal`: its import builds enums, long enough to be interrupted in
import os


def _interrupted_while_starting(signum: int, frame: object) -> None:
    # os._exit, not an exception: one raised here can land inside the import machinery,
    # which wraps it in errors of its own and prints them.
    try:
        os.write(2, b"\n")
    finally:
        os._exit(130)


# On import, not in main(): the console script does work between the two.
_signal.signal(_signal.SIGINT, _interrupted_while_starting)


def main() -> None:
    from colibri_cli.cli.app import app

    app()


if __name__ == "__main__":
    main()
