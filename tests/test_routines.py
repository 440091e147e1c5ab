"""Routines are data: they load against the exercises there are, errors name file and field,
and a routine whose exercise is not there is reported while the others still load."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from posecheck.engine.routines import default_routine_dir, load_routine_file, load_routines
from posecheck.errors import RoutineFileError

TWO = """
id = "{id}"
name = "Two"
summary = "Two exercises."
between_s = 3

[[steps]]
exercise = "{first}"
sets = 1
reps = 2

[[steps]]
exercise = "hip_hinge"
sets = 1
reps = [2, 3]
"""


def write(folder: Path, routine_id: str, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / f"{routine_id}.toml"
    path.write_text(text)
    return path


def test_back_basics_is_the_articles_three_exercises_five_to_seven_by_three(library):
    routines = load_routines(library)
    r = routines.get("back_basics")
    assert [s.exercise_id for s in r.steps] == ["lumbar_extension", "quadruped_hip_lift",
                                                "good_morning"]
    assert all((s.reps_min, s.reps_max, s.sets) == (5, 7, 3) for s in r.steps)
    assert r.steps[1].side == "both" and r.steps[0].side is None


def test_every_shipped_routine_runs(library):
    """The three programmes of the articles, each with exercises posecheck has."""
    routines = load_routines(library)
    files = {p.stem for p in default_routine_dir().glob("*.toml")}
    assert {"back_basics", "get_started", "desk_break"} <= files
    assert set(routines.routines) == files and not routines.unavailable, routines.unavailable
    desk = [s.exercise_id for s in routines.routines["desk_break"].steps]
    assert desk == ["neck_tilt", "shoulder_roll", "spinal_twist"]  # no pelvic tilt: not seen


def test_an_unknown_exercise_names_the_file_and_the_others_still_load(library, tmp_path):
    folder = tmp_path / "routines"
    write(folder, "good", TWO.format(id="good", first="good_morning"))
    bad = write(folder, "bad", TWO.format(id="bad", first="squat_jump"))
    routines = load_routines(library, folder)
    assert list(routines.routines) == ["good"]
    why = routines.unavailable["bad"]
    assert str(bad) in why and "steps[0].exercise" in why and "squat_jump" in why
    with pytest.raises(RoutineFileError, match="bad.toml"):
        routines.get("bad")
    with pytest.raises(RoutineFileError, match="Known routines: good"):
        routines.get("nothing")


@pytest.mark.parametrize("old,new,field", [
    ('sets = 1\nreps = 2', 'sets = 0\nreps = 2', "steps[0].sets"),
    ('reps = 2\n', 'reps = "many"\n', "steps[0].reps"),
    ('reps = [2, 3]', 'reps = [3, 2]', "steps[1].reps"),
    ('between_s = 3', 'between_s = -1', "between_s"),
    ('name = "Two"', 'nmae = "Two"', "name"),
    ('sets = 1\nreps = 2', 'sets = 1\nreps = 2\nside = "left"', "steps[0].side"),
    ('summary = "Two exercises."', 'summary = "Two."\n[words]\nnext = "Next: {exercise}"', "words.next"),
])
def test_a_malformed_routine_names_its_file_and_field(library, tmp_path, old, new, field):
    text = TWO.format(id="two", first="good_morning")
    assert old in text
    path = write(tmp_path, "two", text.replace(old, new, 1))
    with pytest.raises(RoutineFileError) as err:
        load_routine_file(path, library)
    assert str(path) in str(err.value) and f"'{field}'" in str(err.value), str(err.value)


def test_not_toml_and_a_misnamed_file_are_sentences(library, tmp_path):
    path = write(tmp_path, "broken", "id = [")
    with pytest.raises(RoutineFileError, match="broken.toml: not valid TOML"):
        load_routine_file(path, library)
    path = write(tmp_path, "other", TWO.format(id="two", first="good_morning"))
    with pytest.raises(RoutineFileError, match="file is named other.toml"):
        load_routine_file(path, library)


def test_a_one_sided_exercise_does_both_sides_unless_told(library, tmp_path):
    text = TWO.format(id="two", first="quadruped_hip_lift")
    r = load_routine_file(write(tmp_path, "two", text), library)
    assert r.steps[0].side == "both"
    r = load_routine_file(write(tmp_path, "two", text.replace("reps = 2\n", 'reps = 2\nside = "right"\n', 1)),
                          library)
    assert r.steps[0].side == "right"


def test_posecheck_routines_lists_them_and_why_some_cannot_run(library, tmp_path, monkeypatch, capsys):
    from posecheck.cli import main

    folder = tmp_path / "routines"
    shutil.copy(default_routine_dir() / "back_basics.toml", folder.mkdir() or folder)
    write(folder, "bad", TWO.format(id="bad", first="a_future_exercise"))
    monkeypatch.setenv("POSECHECK_ROUTINES", str(folder))
    assert main(["routines"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("back_basics ") and "quadruped_hip_lift (both) 5-7x3" in out[0]
    assert out[1].startswith("bad ") and "not available" in out[1] and "a_future_exercise" in out[1]
    assert main(["exercises"]) == 0  # still lists the exercises
    assert "good_morning" in capsys.readouterr().out
