"""Where posecheck keeps a user's files, and where its own data files are: one place for the
platform rules that the history, the pose models, the exercises and the routines share."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def user_data_dir() -> Path:
    """posecheck's folder in the platform's user data folder (created by whoever writes there):
    %LOCALAPPDATA% on Windows, ~/Library/Application Support on macOS, $XDG_DATA_HOME or
    ~/.local/share elsewhere."""
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        xdg = os.environ.get("XDG_DATA_HOME", "").strip()
        base = Path(xdg) if xdg and os.path.isabs(xdg) else home / ".local" / "share"
    return base / "posecheck"


def configured_path(env_var: str) -> Path | None:
    """The path an environment variable sets (~ expanded), or None when it is unset or empty."""
    configured = os.environ.get(env_var, "").strip()
    return Path(configured).expanduser() if configured else None


def package_data_dir(name: str, env_var: str) -> Path:
    """A folder of data files shipped inside the package (posecheck/<name>/), or the folder
    `env_var` names instead."""
    return configured_path(env_var) or Path(__file__).resolve().parent / name
