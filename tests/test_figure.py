"""The reference figures show each movement as the exercise's camera sees it: the fire hydrant's
knee lifting out to the side from the front, the desk movements from the front, and every
figure drawn from the view its exercise asks the camera for."""

from __future__ import annotations

import numpy as np
import pytest

from posecheck.web.figure import body, draw_figure, joints

# the views a figure may be drawn from, for each camera view an exercise asks for
FIGURE_VIEWS_FOR_CAMERA = {"side": {"side"}, "front": {"front"}, "any": {"side", "front"}}


def test_every_exercise_has_a_figure_drawn_as_its_camera_sees_it(library):
    for ex in library.exercises.values():
        assert set(ex.figure) == {"start", "working"}, ex.id
        for pose in ("start", "working"):
            assert ex.figure[pose]["view"] in FIGURE_VIEWS_FOR_CAMERA[ex.view], ex.id
            img = draw_figure(ex.figure[pose])
            assert img.shape == (160, 160, 3) and (img < 200).any()
        assert not np.array_equal(draw_figure(ex.figure["start"]), draw_figure(ex.figure["working"])), ex.id


def _width(a: np.ndarray, b: np.ndarray) -> float:
    return abs(float(a[0] - b[0]))


def test_the_fire_hydrant_lifts_the_bent_knee_out_to_the_side_with_the_upper_body_still(library):
    figure = library.get("quadruped_hip_lift").figure
    assert figure["working"]["view"] == "front"
    start, work = joints(figure["start"]), joints(figure["working"])
    # on all fours: both knees under the hips, both hands under the shoulders
    for j in (start, work):
        assert j["wrist"][1] < j["shoulder"][1] - 0.7 and j["wrist2"][1] < j["shoulder2"][1] - 0.7
    for knee, hip in (("knee", "hip"), ("knee2", "hip2")):
        assert start[knee][1] < start[hip][1] - 0.7 and _width(start[knee], start[hip]) < 0.05
    # lifting: the knee beside the hip, at hip height, away from the other leg
    outwards = np.sign(work["hip"][0] - work["hip2"][0])
    assert (work["knee"][0] - work["hip"][0]) * outwards > 0.7
    assert abs(work["knee"][1] - work["hip"][1]) < 0.2
    # and not behind it (a donkey kick): in 3D the knee stays level with the hip front to back
    knee_3d, hip_3d = body(figure["working"])["knee"], body(figure["working"])["hip"]
    assert abs(knee_3d[0] - hip_3d[0]) < 0.05
    # the other leg, the arms, the trunk and the head do not move
    for name in ("knee2", "ankle2", "shoulder", "shoulder2", "wrist", "wrist2", "head", "hip", "hip2"):
        assert np.allclose(start[name], work[name]), name


def test_seen_from_the_front_the_persons_right_is_on_the_viewers_left_and_from_behind_on_the_right():
    lift = {"trunk": 90.0, "thigh": 180.0, "shin": 90.0, "thigh_out": 80.0}
    front, back = joints({**lift, "view": "front"}), joints({**lift, "view": "back"})
    assert front["knee"][0] < -0.7 and back["knee"][0] > 0.7
    assert joints({**lift, "view": "side"})["knee"][1] == pytest.approx(front["knee"][1])


def test_the_desk_movements_show_from_the_front(library):
    tilt = library.get("neck_tilt").figure
    level, tilted = joints(tilt["start"]), joints(tilt["working"])
    # the head tips towards one shoulder, the shoulders stay level and where they were
    towards = np.sign(tilted["head"][0] - level["head"][0])
    assert abs(tilted["head"][0] - level["head"][0]) > 0.1 and towards != 0
    assert tilted["head"][1] < level["head"][1]
    assert np.allclose(level["shoulder"], tilted["shoulder"]) and abs(tilted["shoulder"][1] - tilted["shoulder2"][1]) < 1e-9
    # the eyes' line tilts with the head
    assert abs(tilted["eye"][1] - tilted["eye2"][1]) > 0.02 > abs(level["eye"][1] - level["eye2"][1])

    roll = library.get("shoulder_roll").figure
    down, up = joints(roll["start"]), joints(roll["working"])
    # both shoulders rise towards the ears, the head stays
    for name in ("shoulder", "shoulder2"):
        assert up[name][1] > down[name][1] + 0.1
    assert np.allclose(down["head"], up["head"])

    twist = library.get("spinal_twist").figure
    square, turned = joints(twist["start"]), joints(twist["working"])
    # the shoulder line turns away from the camera (narrower from the front), the hips stay square
    assert _width(turned["shoulder"], turned["shoulder2"]) < 0.8 * _width(square["shoulder"], square["shoulder2"])
    assert np.isclose(_width(turned["hip"], turned["hip2"]), _width(square["hip"], square["hip2"]))
    # the head turns with them: facing the camera the eyes sit either side of the head's middle,
    # turned both sit off to one side
    assert square["eye"][0] < square["head"][0] < square["eye2"][0] or square["eye2"][0] < square["head"][0] < square["eye"][0]
    assert np.sign(turned["eye"][0] - turned["head"][0]) == np.sign(turned["eye2"][0] - turned["head"][0])


def test_the_half_kneel_shows_the_front_foot_flat_ahead_of_the_hip(library):
    figure = library.get("half_kneeling_glute").figure
    for pose in ("start", "working"):
        j = joints(figure[pose])
        floor = j["knee"][1]  # the kneeling knee is on the floor
        # the front foot on the floor, ahead of the hip, below a knee bent about square
        assert abs(j["ankle2"][1] - floor) < 0.05 and j["ankle2"][0] > j["hip"][0] + 0.6
        assert abs(j["knee2"][1] - j["hip"][1]) < 0.15
    start, work = joints(figure["start"]), joints(figure["working"])
    assert np.allclose(start["ankle2"] - start["knee"], work["ankle2"] - work["knee"], atol=0.02)  # the foot stays put
    assert work["hip"][0] - work["knee"][0] > start["hip"][0] - start["knee"][0] + 0.1  # the hip comes forward


def test_pressed_up_the_hands_are_on_the_floor_on_straight_arms(library):
    work = joints(library.get("lumbar_extension").figure["working"])
    floor = work["knee"][1]  # lying: the thighs along the floor
    assert work["shoulder"][1] > floor + 0.4 and abs(work["wrist"][1] - floor) < 0.05


def test_every_angle_an_exercise_file_may_give_moves_the_figure():
    """The loader's list of figure angles (a typo is an error naming the field) and what the
    figure draws agree: each one moves some joint, from the front or from the side."""
    from posecheck.engine.exercises import FIGURE_ANGLES

    base = {"trunk": 10.0, "thigh": 10.0, "shin": 10.0, "arm": 10.0}
    for name in FIGURE_ANGLES:
        # degrees, or for these two a share of the trunk's length
        moved = {**base, name: 0.15 if name in ("shoulder_lift", "arch") else base.get(name, 0.0) + 30.0}
        differs = False
        for view in ("side", "front"):
            a, b = joints({**base, "view": view}), joints({**moved, "view": view})
            differs |= any(not np.allclose(a[k], b[k]) for k in a if k in b) or set(a) != set(b)
        assert differs, name
