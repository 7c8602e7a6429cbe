"""Reliability and security runs of mgbridge: faults, load, bad input and secrets, end to end.

``python reliability/run.py`` (``make reliability``) runs them all against a sandbox process and
prints the table of cases and outcomes; ``--quick`` is the bounded form CI runs. The pieces are
importable (``reliability.faults``, ``reliability.load``, ``reliability.badinput``,
``reliability.leaks``), so the pytest tests assert on the same runs.
"""
