"""Waits for an invite operation (made elsewhere, e.g. by PowerShell) and prints it as JSON.

    python examples/mixed/wait_operation.py CALL_ID OPERATION_ID

Connects to the running sandbox (environment "Sandbox"); the beta API, as the cmdlet used.
"""

from __future__ import annotations

import json
import sys

import bridge


def main(call_id: str, operation_id: str) -> None:
    with bridge.connect(environment="Sandbox") as session:
        operation = session.wait_operation(call_id, operation_id, timeout=10, interval=0.2)
    json.dump(operation.to_dict(), sys.stdout)
    print()


if __name__ == "__main__":
    main(*sys.argv[1:3])
