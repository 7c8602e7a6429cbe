"""The first result from a fresh Python process, in slices: `import bridge`, `bridge.connect`
(msal sign-in against the sandbox), the first `session.invite`, and a second one.

`python bench/python_first.py CALL_ID` with $MGBRIDGE_SANDBOX_STATE naming a running sandbox;
prints one JSON object of nanoseconds (``since_start`` is from the interpreter's start, as far as
/proc tells it, to the first result).
"""

import time

_t0 = time.perf_counter_ns()

import bridge  # noqa: E402

_t1 = time.perf_counter_ns()

import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import BODY  # noqa: E402


def _since_process_start_ns() -> int:
    """Nanoseconds since this process started (Linux /proc; 0 elsewhere)."""
    try:
        start_ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime_s = float(Path("/proc/uptime").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0
    return int((uptime_s - start_ticks / os.sysconf("SC_CLK_TCK")) * 1e9)


def main() -> None:
    call_id = sys.argv[1]
    t2 = time.perf_counter_ns()
    session = bridge.connect(environment="Sandbox")
    t3 = time.perf_counter_ns()
    session.invite(call_id, body=BODY)
    t4 = time.perf_counter_ns()
    session.invite(call_id, body=BODY)
    t5 = time.perf_counter_ns()
    since_start = _since_process_start_ns()
    session.close()
    print(
        json.dumps(
            {
                "import bridge": _t1 - _t0,
                "connect": t3 - t2,
                "first invite": t4 - t3,
                "second invite": t5 - t4,
                "since_start": since_start,
            }
        )
    )


if __name__ == "__main__":
    main()
