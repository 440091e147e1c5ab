"""Drawing on frames: small annotators composed in order (skeleton, angles, status panel).

Every annotator takes an RGB image and the engine's state and draws in place. Colours are
RGB because frames stay RGB from decode to encode.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from .. import landmarks as L
from ..engine.exercise_engine import EngineState
from ..engine.exercises import Exercise
from ..engine.feature_table import FEATURE_BY_NAME, feature_key
from ..engine.rules import MOVING, RETURNING, SETUP, START, WORKING

WHITE, BLACK = (255, 255, 255), (0, 0, 0)
NEAR, FAR = (60, 220, 255), (150, 150, 150)
GOOD, WARN, BAD = (80, 220, 100), (255, 200, 40), (255, 70, 70)
_FONT = cv2.FONT_HERSHEY_SIMPLEX

# The phase as a person says it, or nothing: the engine's own names ("working", "returning")
# and the old words ("going", "in range", "coming back") were jargon to the people they were
# shown to. Which way "moving" goes differs by exercise (down for a hinge, up for a press-up),
# so the moving phases say nothing; the working end says "hold" where the exercise holds or
# pauses there, else that the person went far enough.
PHASE_WORDS = {SETUP: "get into position", START: "ready", MOVING: "", WORKING: "far enough",
               RETURNING: ""}
HOLD_WORD = "hold"


def phase_word(exercise: Exercise, phase: str, conditions=()) -> str:
    if "not_visible" in conditions:
        return "can't see you"
    if "wrong_view" in conditions:
        return "turn to the side" if exercise.view == "side" else "turn to face the camera"
    if phase == WORKING and (exercise.prescription.hold_s or exercise.prescription.pause_s):
        return HOLD_WORD
    return PHASE_WORDS.get(phase, "")


@dataclass(frozen=True)
class VideoWords:
    """What the status band says instead of the engine's running count and phase: the live page
    gives its session's words, so the video and the board never disagree ("Reps 0" on the
    video while the board said 5 were done)."""
    count: str
    phase: str


def _scale(image: np.ndarray) -> float:
    return max(0.5, min(image.shape[0], image.shape[1]) / 600)


def _text(img, text, org, scale, colour, thickness=2) -> None:
    cv2.putText(img, text, org, _FONT, scale, BLACK, thickness + 3, cv2.LINE_AA)
    cv2.putText(img, text, org, _FONT, scale, colour, thickness, cv2.LINE_AA)


class SkeletonAnnotator:
    """Bones and joints; the side facing the camera bright, the far side grey."""

    def annotate(self, image: np.ndarray, state: EngineState, words: VideoWords | None = None) -> None:
        pose = state.pose
        if pose is None:
            return
        h, w = image.shape[:2]
        pts = (pose.landmarks[:, :2] * (w, h)).astype(int)
        vis = pose.landmarks[:, 3]
        near = state.features.side if state.features else L.LEFT
        s = _scale(image)
        thick = max(2, int(3 * s))
        for a, b in L.SKELETON:
            if vis[a] < 0.5 or vis[b] < 0.5:
                continue
            on_near = (a % 2 == (1 if near == L.LEFT else 0)) and (b % 2 == (1 if near == L.LEFT else 0))
            cv2.line(image, tuple(pts[a]), tuple(pts[b]), NEAR if on_near else FAR, thick, cv2.LINE_AA)
        for i in range(L.NUM_LANDMARKS):
            if i > L.NOSE and i < L.LEFT_EAR or i in range(9, 11) or i in range(17, 23):
                continue  # face and finger points add clutter, not information
            if vis[i] >= 0.5:
                cv2.circle(image, tuple(pts[i]), thick + 1, WHITE, -1, cv2.LINE_AA)


class AngleAnnotator:
    """The angles the exercise's rules use, written at their joints (feature_table says which
    word and which joint)."""

    def __init__(self, exercise: Exercise):
        self.features = [FEATURE_BY_NAME[n] for n in exercise.features if FEATURE_BY_NAME[n].drawn]

    def annotate(self, image: np.ndarray, state: EngineState, words: VideoWords | None = None) -> None:
        if state.pose is None or state.features is None:
            return
        h, w = image.shape[:2]
        s = _scale(image)
        side = state.side or state.features.side
        used: list[tuple[int, int]] = []
        for spec in self.features:
            value = state.features.values.get(feature_key(spec.name, side), math.nan)
            if math.isnan(value):
                continue
            idx = L.joint_index(spec.joint, side)
            x, y = (state.pose.landmarks[idx, :2] * (w, h)).astype(int)
            while any(abs(x - ux) < 60 * s and abs(y - uy) < 22 * s for ux, uy in used):
                y += int(24 * s)  # keep two labels at one joint readable
            used.append((x, y))
            value = spec.as_shown(value)
            # whole degrees; + 0.0 turns a rounded -0 (a signed lean of -0.3) into 0
            number = f"{round(value) + 0.0:.0f}" if spec.angle else f"{value:.2f}"
            _text(image, f"{spec.label} {number}", (x + int(10 * s), y), 0.55 * s, WHITE,
                  max(1, int(1.5 * s)))


class StatusAnnotator:
    """Rep count, phase and the current cue, in a band at the top of the frame."""

    def __init__(self, exercise: Exercise):
        self.exercise = exercise

    def words(self, state: EngineState) -> VideoWords:
        """The engine's own count and phase (a video file: no sets, no rest)."""
        if self.exercise.sided:
            count = "  ".join(f"{k[0].upper()} {v}" for k, v in state.reps_by_side.items())
            reps = f"Reps {state.reps} ({count})"
        else:
            reps = f"Reps {state.reps}"
        return VideoWords(reps, phase_word(self.exercise, state.phase, state.conditions))

    def annotate(self, image: np.ndarray, state: EngineState, words: VideoWords | None = None) -> None:
        h, w = image.shape[:2]
        s = _scale(image)
        band = int(70 * s)
        image[:band] = cv2.convertScaleAbs(image[:band], alpha=0.35)  # darken, no float copy
        words = words or self.words(state)
        _text(image, words.count, (int(12 * s), int(30 * s)), 0.9 * s, WHITE, max(2, int(2 * s)))
        if words.phase:
            _text(image, words.phase, (int(12 * s), int(60 * s)), 0.6 * s, NEAR, max(1, int(1.5 * s)))
        cue = state.cue
        if cue is not None:
            colour = GOOD if cue.code in ("good_rep", "ready") else BAD if cue.priority <= 1 else WARN
            x = int(w * 0.30)
            scale = 0.65 * s
            words = cue.message
            while cv2.getTextSize(words, _FONT, scale, 2)[0][0] > w - x - 10 and scale > 0.3:
                scale *= 0.9
            _text(image, words, (x, int(42 * s)), scale, colour, max(1, int(1.6 * s)))


class Overlay:
    """All annotators for one exercise, applied in order."""

    def __init__(self, exercise: Exercise):
        self.status = StatusAnnotator(exercise)
        self.annotators = [SkeletonAnnotator(), AngleAnnotator(exercise), self.status]

    def words(self, state: EngineState) -> VideoWords:
        """The count and phase a video file's frame shows."""
        return self.status.words(state)

    def draw(self, image: np.ndarray, state: EngineState, words: VideoWords | None = None) -> np.ndarray:
        """words: the live session's count and phase, instead of the engine's."""
        out = image if image.flags.writeable else image.copy()
        for annotator in self.annotators:
            annotator.annotate(out, state, words)
        return out
