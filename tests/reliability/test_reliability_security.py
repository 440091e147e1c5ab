"""Security: nothing from a file name or an exercise id reaches a path, Streamlit's XSRF
protection stays on, and nothing goes over the network at run time (the model is bundled).

Uploads are copied under a fixed name into a private (0700) temporary folder and deleted:
test_reliability_files.py::test_upload_names_never_reach_a_path_and_the_copy_is_deleted.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from posecheck.errors import ExerciseFileError, UnknownExerciseError
from posecheck.engine.exercises import load_all, parse_exercise
from posecheck.toml_reader import tomllib
from posecheck.web import review

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, cwd=ROOT, timeout=timeout,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_streamlit_runs_with_xsrf_protection_and_the_stated_upload_cap():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["maxUploadSize"] == review.MAX_UPLOAD_MB
    assert config["browser"]["gatherUsageStats"] is False
    # what Streamlit itself reads when the app starts from the repository (as scripts/app.sh does)
    shown = subprocess.run([str(Path(sys.executable).with_name("streamlit")), "config", "show"],
                           capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert shown.returncode == 0, shown.stderr
    effective = {line.split("=")[0].strip(): line.split("=", 1)[1].strip()
                 for line in shown.stdout.splitlines() if "=" in line and not line.startswith("#")}
    assert effective["enableXsrfProtection"] == "true"
    assert effective["maxUploadSize"] == str(review.MAX_UPLOAD_MB)
    # nothing that starts the app turns it off
    for path in [ROOT / "app.py", *ROOT.glob("scripts/*.sh"), *ROOT.glob("posecheck/**/*.py")]:
        text = path.read_text()
        assert "enableXsrfProtection" not in text and "enableCORS" not in text, path


def test_no_network_call_at_run_time(tmp_path):
    """The whole analysis - model included - in a process where any attempt to resolve a name,
    open a connection or build a URL request is an error."""
    result = _run(f"""
        import sys
        def refuse(event, args):
            if event in ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname",
                         "urllib.Request", "http.client.connect"):
                raise RuntimeError(f"network call at run time: {{event}} {{args!r}}")
        sys.addaudithook(refuse)
        sys.path.insert(0, "tests")
        from media import moving_background, write_video
        from pathlib import Path
        from posecheck.engine.exercises import load_all
        from posecheck.run.files import analyze_video
        clip = write_video(Path({str(tmp_path)!r}) / "room.mp4", moving_background(10), 10)
        report = analyze_video(str(clip), load_all().get("hip_hinge"),
                               annotate_to={str(tmp_path / "out.mp4")!r})
        import mediapipe
        print("frames", report.frames, "model", mediapipe.__version__)
    """)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "frames 10 model 0.10.21" in result.stdout


def test_the_pose_model_ships_with_the_package():
    import mediapipe

    folder = Path(mediapipe.__file__).parent / "modules"
    for model in ("pose_landmark/pose_landmark_full.tflite", "pose_detection/pose_detection.tflite"):
        assert (folder / model).stat().st_size > 100_000, model
    readme = (ROOT / "README.md").read_text()
    assert "Nothing is downloaded at run time" in readme


@pytest.mark.parametrize("bad_id", ["../evil", "..", "/etc/passwd", "a/b", "Evil", "x" * 60, ""])
def test_an_exercise_id_that_could_be_a_path_is_refused(tmp_path, bad_id):
    folder = tmp_path / "exercises"
    folder.mkdir()
    text = (ROOT / "posecheck" / "exercises" / "hip_hinge.toml").read_text()
    assert 'id = "hip_hinge"' in text
    path = folder / "hip_hinge.toml"
    path.write_text(text.replace('id = "hip_hinge"', f"id = {bad_id!r}"))
    lib = load_all(folder)
    assert not lib.exercises and len(lib.errors) == 1 and "'id'" in lib.errors[0]
    with pytest.raises(UnknownExerciseError):
        lib.get(bad_id)
    with pytest.raises(ExerciseFileError):
        parse_exercise(str(path), {"id": bad_id})


def test_an_unknown_exercise_id_on_the_command_line_is_only_a_name(tmp_path):
    """The id is looked up among the loaded exercises, never opened as a file."""
    target = tmp_path / "exercise.toml"
    target.write_text((ROOT / "posecheck" / "exercises" / "hip_hinge.toml").read_text())
    result = subprocess.run([sys.executable, "-m", "posecheck", "analyze", "x.mp4", "-e",
                             str(target.with_suffix(""))], capture_output=True, text=True,
                            cwd=ROOT, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "Unknown exercise" in result.stderr
