"""The plan's own small file beside the history: plan.json in the user data folder, or the file
$POSECHECK_PLAN names. Written whole to a temporary file and renamed over the old one, so a
crash mid-write leaves the old plan, never half a plan. A damaged file is refused with a
sentence and left as it is."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from ..user_folders import configured_path, user_data_dir
from .plan import Plan, PlanError, plan_from_dict

ENV_VAR = "POSECHECK_PLAN"
FILE_NAME = "plan.json"


def default_plan_path() -> Path:
    """POSECHECK_PLAN if set, else plan.json in the platform's user data folder."""
    return configured_path(ENV_VAR) or user_data_dir() / FILE_NAME


def load_plan(path: str | os.PathLike | None = None) -> Plan:
    """The plan in the file; an empty plan when there is no file yet."""
    path = Path(path) if path is not None else default_plan_path()
    if not path.exists():
        return Plan()
    if path.is_dir():
        raise PlanError(f"The plan path {path} is a folder, not a file. Set {ENV_VAR} to a file name.")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return plan_from_dict(data)
    except (OSError, UnicodeDecodeError, ValueError, PlanError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise PlanError(f"The plan file {path} cannot be read ({why}). posecheck has left it "
                        f"untouched; fix it, move it elsewhere to start a new plan, or set "
                        f"{ENV_VAR} to another file.") from None


def save_plan(plan: Plan, path: str | os.PathLike | None = None) -> Path:
    path = Path(path) if path is not None else default_plan_path()
    text = json.dumps(plan.to_dict(), indent=2) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # mkstemp makes it readable by its owner only, as the history is
        fd, temp = tempfile.mkstemp(prefix=".plan-", suffix=".json", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(temp, path)
        except BaseException:
            try:
                os.unlink(temp)
            except OSError:
                pass
            raise
    except OSError as exc:
        raise PlanError(f"The plan file {path} cannot be written ({exc.strerror or exc}). "
                        f"Set {ENV_VAR} to a file in a folder you can write to.") from None
    return path
