"""This process's resident memory, for the tests that check memory stays flat over long runs."""

from __future__ import annotations

import math
from pathlib import Path


def resident_mb() -> float:
    """VmRSS (resident set size) from /proc/self/status, in MB; NaN where there is no /proc."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return math.nan
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024  # the kernel gives kB
    return math.nan
