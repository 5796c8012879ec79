"""Helper processes that must not outlive their parent.

A process pool (certificate drawing, a large compliance rebuild) is shut down by its parent when
the work ends or fails; a parent killed outright (SIGKILL, the OOM killer, a deploy that did not
wait) cannot do that, and its pool's children would wait for work for ever, each holding the
memory it had. `exit_with_parent` is the pools' initializer: a daemon thread in each child ends the
child once its parent is gone (it is then re-parented, so `os.getppid()` changes).
"""

import os
import threading
import time

CHECK_SECONDS = 1.0


def exit_with_parent() -> None:
    """Pool initializer: end this child within about a second of its parent's death."""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(CHECK_SECONDS)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
