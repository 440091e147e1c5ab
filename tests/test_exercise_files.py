"""Exercise definitions are data: they load, they are validated, and errors name file and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from posecheck.errors import ExerciseFileError, UnknownExerciseError
from posecheck.engine.exercises import default_exercise_dir, load_all, load_exercise_file

REQUIRED_FAULTS = {
    "hip_hinge": {"knees_too_bent", "too_fast"},
    "good_morning": {"knees_too_bent", "knees_locked", "no_pause", "too_fast"},
    "quadruped_hip_lift": {"upper_body_moving", "leg_back"},
    "lumbar_extension": {"hyperextension", "looking_up", "elbows_bent", "no_hold"},
}


def test_the_four_exercises_load_with_their_required_faults(library):
    assert set(REQUIRED_FAULTS) <= set(library.exercises)
    for ex_id, codes in REQUIRED_FAULTS.items():
        ex = library.get(ex_id)
        assert codes <= {f.code for f in ex.faults}, ex_id
        assert ex.cues["not_visible"] and ex.cues["wrong_view"]
        # every exercise says, in its own words, why a clearly shorter movement was not counted
        assert ex.cues["shallow"] and ex.cue_for("shallow") == ex.cues["shallow"]
        assert ex.prescription.sets >= 1 and ex.steps


def test_quadruped_is_counted_per_side_and_prescribed_per_side(library):
    ex = library.get("quadruped_hip_lift")
    assert ex.sided and ex.prescription.per_side


def test_unknown_exercise_names_the_known_ones(library):
    with pytest.raises(UnknownExerciseError) as err:
        library.get("squat_jump")
    assert "squat_jump" in str(err.value) and "good_morning" in str(err.value)


def _copy_exercises(tmp_path: Path) -> Path:
    folder = tmp_path / "exercises"
    shutil.copytree(default_exercise_dir(), folder)
    return folder


def _break(folder: Path, ex_id: str, old: str, new: str) -> Path:
    path = folder / f"{ex_id}.toml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return path


@pytest.mark.parametrize("old,new,field", [
    ('target = 60.0', 'target = "deep"', "rep.target"),
    ('feature = "trunk_lean"', 'feature = "spine_curve"', "rep.feature"),
    ('view = "side"', 'view = "above"', "view"),
    ('floor = 15.0', 'floor = 70.0', "rep.floor"),
    ('start_range = [-25.0, 30.0]', 'start_range = [30.0, -25.0]', "rep.start_range"),
    ('[cues]\n', '[cues]\nshallow_typo = "x"\n', "cues.shallow_typo"),
    ('code = "no_pause"', 'code = "no_pause"\ncolour = "red"', "faults[3].colour"),
    ('sets = 3', 'sets = 3\nsets_typo = 1', "prescription.sets_typo"),
    ('[figure]\n', '[figure]\nview = "top"\n', "figure.view"),
    ('start = { trunk = 0.0,', 'start = { trunk = 0.0, hip = 3.0,', "figure.start.hip"),
    ('working = { trunk = 75.0,', 'working = { trunk = "deep",', "figure.working.trunk"),
])
def test_a_malformed_file_is_named_with_its_field_and_the_rest_still_load(tmp_path, old, new, field):
    folder = _copy_exercises(tmp_path)
    path = _break(folder, "good_morning", old, new)
    with pytest.raises(ExerciseFileError) as err:
        load_exercise_file(path)
    assert str(path) in str(err.value) and f"'{field}'" in str(err.value)
    lib = load_all(folder)
    assert "good_morning" not in lib.exercises
    assert {"hip_hinge", "quadruped_hip_lift", "lumbar_extension"} <= set(lib.exercises)
    assert len(lib.errors) == 1 and "good_morning.toml" in lib.errors[0]


def test_invalid_toml_and_a_missing_field_are_clear(tmp_path):
    folder = _copy_exercises(tmp_path)
    bad = folder / "hip_hinge.toml"
    bad.write_text("id = 'hip_hinge\n")
    with pytest.raises(ExerciseFileError, match="not valid TOML"):
        load_exercise_file(bad)
    path = _break(folder, "good_morning", 'name = "Good morning"\n', "")
    with pytest.raises(ExerciseFileError, match=r"field 'name' is missing"):
        load_exercise_file(path)


def test_a_new_exercise_needs_no_python(tmp_path, library):
    """Adding exercises/<id>.toml is enough: a neck tilt built from existing features."""
    folder = _copy_exercises(tmp_path)
    text = (folder / "hip_hinge.toml").read_text().replace('id = "hip_hinge"', 'id = "standing_reach"')
    (folder / "standing_reach.toml").write_text(text)
    lib = load_all(folder)
    assert "standing_reach" in lib.exercises and not lib.errors


@pytest.mark.parametrize("ex_id,old,new,problem", [
    ("good_morning", 'rep = "{n}"', 'rep = "Rep {number}"', r"'speech.rep' uses \{number\}.*\{n\}"),
    ("good_morning", 'rep = "{n}"', 'rep = "{n:>3}"', r"'speech.rep' uses \{n:>3\}"),
    ("good_morning", 'rest = "Rest.', 'rest = "Rest {.', r"'speech.rest' has unbalanced braces"),
    ("good_morning", 'hold = "Pause."\n', "", r"'speech.hold' is missing"),
    ("hip_hinge", 'rep = "{n}"', 'rep = "{n}"\nhold = "Hold."', r"'speech.hold' is never said"),
    ("hip_hinge", 'rep = "{n}"', 'rep = "{n}"\nswitch_side = "Other leg."', r"'speech.switch_side' is never said"),
    ("quadruped_hip_lift", 'switch_side = "Now your {side} leg."\n', "", r"'speech.switch_side' is missing"),
    ("hip_hinge", 'done = "All', 'finished = "Done."\ndone = "All', r"'speech.finished' is not a known field"),
    ("hip_hinge", 'next_set = "Set {set} of {sets}."\n', "", r"'speech.next_set' is missing"),
])
def test_session_words_are_checked_like_the_rest(tmp_path, ex_id, old, new, problem):
    folder = _copy_exercises(tmp_path)
    path = _break(folder, ex_id, old, new)
    with pytest.raises(ExerciseFileError, match=problem):
        load_exercise_file(path)


def test_every_exercise_has_its_session_words(library):
    for ex in library.exercises.values():
        sp = ex.speech
        assert sp.say("rep", n=3) and "3" in sp.say("rep", n=3)
        assert sp.say("next_set", set=2, sets=3) and sp.say("done", reps=10, sets=2)
        holds = ex.prescription.hold_s or ex.prescription.pause_s
        assert (sp.hold is not None) == bool(holds), ex.id
        assert (sp.switch_side is not None) == ex.sided, ex.id
