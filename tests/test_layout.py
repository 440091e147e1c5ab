"""The package's shape: the engine is pure, and no module imports itself back in a circle."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "posecheck"

# A pose stream through the engine with the heavy and UI libraries made unimportable: the
# engine must judge poses on any machine that has numpy, with no camera, codec or page.
_PURE_ENGINE = r"""
import sys
import numpy as np

class Refuse:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"cv2", "av", "mediapipe", "streamlit", "streamlit_webrtc"}:
            raise ImportError(f"{name} is not allowed in the engine")
        return None

sys.meta_path.insert(0, Refuse())
from posecheck.datatypes import Pose
from posecheck.engine.exercise_engine import ExerciseEngine
from posecheck.engine.exercises import load_all
from posecheck.engine.session import Session, SessionPlan

exercise = load_all().get("hip_hinge")
engine, session = ExerciseEngine(exercise), Session(exercise, SessionPlan.live(exercise))
landmarks = np.zeros((33, 4))
landmarks[:, 3] = 1.0
for i in range(30):
    session.update(engine.update(Pose(t=i / 30, image_size=(640, 480), landmarks=landmarks), i / 30))
loaded = sorted(m for m in sys.modules if m.split(".")[0] in {"cv2", "av", "mediapipe", "streamlit"})
print("loaded:", loaded)
"""


def test_the_engine_runs_without_video_pose_or_page_libraries():
    done = subprocess.run([sys.executable, "-c", _PURE_ENGINE], capture_output=True, text=True,
                          cwd=PACKAGE.parent, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "loaded: []" in done.stdout


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """posecheck modules that `path` imports anywhere in it (functions included: a lazy import
    still ties the two modules together)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            # `from pkg import mod` names a module, `from mod import name` a name in one
            targets = [f"{stem}.{a.name}" if f"{stem}.{a.name}" in modules else stem
                       for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def test_no_module_imports_itself_back_in_a_circle():
    paths = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    modules = set(paths)
    graph = {m: _imports(p, modules) for m, p in paths.items()}
    circles = []
    done: set[str] = set()

    def visit(module: str, trail: list[str]) -> None:
        if module in trail:
            circles.append(trail[trail.index(module):] + [module])
            return
        if module in done:
            return
        for dep in sorted(graph[module]):
            visit(dep, trail + [module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])
    assert not circles, "import circles: " + "; ".join(" -> ".join(c) for c in circles)
