"""What a benchmark records about where it ran: the machine, its load, memory, the clips."""

from __future__ import annotations

import json
import math
import os
import platform
import resource
import subprocess
import sys
from pathlib import Path


def default_clip_dir() -> Path:
    root = Path(__file__).resolve().parents[2]
    return Path(os.environ.get("POSECHECK_DATA", root.parent / "shared" / "data")) / "videos"


def loadavg() -> list[float]:
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return [float(x) for x in os.getloadavg()]


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for mod in ("mediapipe", "av", "numpy", "cv2"):
        try:
            versions[mod] = __import__(mod).__version__
        except Exception:  # noqa: BLE001 - a version is only a note
            versions[mod] = "?"
    commit = ""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                cwd=Path(__file__).resolve().parent, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"cpu": cpu, "cores": os.cpu_count(), "usable_cores": usable, "python": platform.python_version(),
            "system": f"{platform.system()} {platform.release()}", "versions": versions, "commit": commit}


def rss_mb() -> float:
    """This process's resident memory now, in MB (NaN where /proc is not there)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return math.nan
    return pages * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


def finish(result: dict, json_path: str | None) -> None:
    """The end of a bench run: the load average now, and every number written to json_path."""
    result["loadavg_end"] = loadavg()
    print(f"load average at end: {' '.join(map(str, result['loadavg_end']))}")
    if json_path:
        with open(json_path, "w", encoding="utf-8") as fh:
            json.dump(result, fh, indent=2)
        print(f"wrote {json_path}")
