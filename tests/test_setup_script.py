"""scripts/setup.sh installs only on the Pythons posecheck supports, and says so otherwise.
(scripts/check_install.sh proves the install itself on 3.10 and 3.12; .ci/run calls it.)"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from packaging.specifiers import SpecifierSet

from posecheck.toml_reader import tomllib

ROOT = Path(__file__).resolve().parent.parent


def _setup_sh_versions() -> list[str]:
    text = (ROOT / "scripts" / "setup.sh").read_text()
    return re.search(r'^SUPPORTED="([^"]+)"', text, re.M).group(1).split()


def test_setup_sh_supports_exactly_what_pyproject_requires():
    with open(ROOT / "pyproject.toml", "rb") as fh:
        requires = SpecifierSet(tomllib.load(fh)["project"]["requires-python"])
    allowed = [f"3.{minor}" for minor in range(6, 20) if f"3.{minor}.0" in requires]
    assert _setup_sh_versions() == allowed == ["3.10", "3.11", "3.12", "3.13"]


def test_an_unsupported_python_is_refused_in_one_sentence(tmp_path):
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "setup.sh", tmp_path / "scripts" / "setup.sh")
    python314 = tmp_path / "python3.14"
    python314.write_text("#!/bin/sh\necho 3.14\n")  # answers setup.sh's version question as 3.14 would
    python314.chmod(0o755)
    result = subprocess.run(["bash", str(tmp_path / "scripts" / "setup.sh")], capture_output=True,
                            text=True, env={"PATH": "/usr/bin:/bin", "PYTHON": str(python314)}, timeout=30)
    assert result.returncode == 1
    [sentence] = result.stderr.splitlines()
    assert sentence.startswith("posecheck installs on Python 3.10, 3.11, 3.12, 3.13 only")
    assert sentence.endswith(f"{python314} is Python 3.14.")
    assert not (tmp_path / ".venv").exists()
