"""``python -m bridge.sandbox``: the same as ``mgbridge sandbox``."""

from bridge.sandbox._command import sandbox

sandbox(prog_name="python -m bridge.sandbox")
