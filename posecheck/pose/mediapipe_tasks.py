"""The pose backend "tasks": MediaPipe's Tasks API (PoseLandmarker) in VIDEO mode.

It runs in every mediapipe release since 0.10 (mp.solutions, the "solutions" backend, is gone
from 0.10.30 on), on Python 3.10-3.13 and numpy 2. Its model is a .task bundle that
models.find_model finds on this machine (a path given, the user's official file, or the one
set-up built): nothing is downloaded at run time.

VIDEO mode tracks the person from frame to frame; the landmarker has no reset, so restart()
builds a new one from the same file (57-72 ms measured on the 2-core VM, against 10 ms a frame).

Several people: see FollowStats and MediaPipeTasks._look_for_people.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import numpy as np

from .backend import BackendInfo
from .cpu_affinity import OneCore
from .models import MODEL_NAMES, find_model
from .native_stderr import native_stderr_silenced
from .people import choose_person, continues, masked, same_body
from ..datatypes import Pose

# The same confidences as the solutions backend: below them the detector's guess is more
# often wrong than right on our clips.
MIN_DETECTION_CONFIDENCE = 0.5
MIN_PRESENCE_CONFIDENCE = 0.5
MIN_TRACKING_CONFIDENCE = 0.5

# When the person followed is lost and only someone else is in view, nobody is returned for
# this long (the frames are looked at again): the tracker loses a person who is still there
# for a frame or a few, and they must not be swapped for a passer-by then. On the raw tracks
# of the 40 real clips (tasks, full) 31 of its 34 losses lasted at most 0.3 s (26 one frame);
# the other three (0.32, 0.64, 2.07 s) are on three instructional "malik" clips. After that
# the other person is followed (the engine says one_person): someone who stepped out may
# have handed over. It is shorter than the engine's MAX_GAP_S (1 s), so a rep in progress
# survives the frames held.
HOLD_S = 0.3

# The most people one look tells apart (each costs one run of the landmark model).
MAX_PEOPLE = 3


@dataclass
class FollowStats:
    """How one stream followed its person.

    The tracker runs with num_poses=1: with two, the Tasks graph runs its person detector on
    every frame until it tracks two people, which cost 31.6 CPU ms/frame with one person in
    view against 20.3 with one (good morning, one core of the loaded 2-core VM; issue 13 had
    16.3 against 10). Instead the whole picture is looked at for more people
    (a PoseLandmarker in IMAGE mode, MAX_PEOPLE poses) only when the tracker had to find its
    person afresh (the first frame, after a frame without anyone, after restart()) or its
    skeleton jumped to another body (engine/continuity.py's test): the moments it may have
    picked someone else. Then the person followed so far, else the largest and most central
    (people.py), is kept; when that is not the tracker's pick, the tracker starts afresh on
    the picture with the others painted out, and follows them from there. Measured the same
    way: 20.7 ms/frame with one person in view (1 look), 20.6 with a second person beside
    them (4 looks; num_poses=2: 38.0); the look's landmarker costs 124 ms and 104 MB once.
    """

    looks: int = 0  # frames looked at for more people
    crowded: int = 0  # looks that found more than one person
    switches: int = 0  # looks whose chosen person was not the tracker's pick
    held: int = 0  # frames with only someone else in view, just after the person was lost


class MediaPipeTasks:
    """One stream's MediaPipe PoseLandmarker. It holds native resources: call close()."""

    MODELS = MODEL_NAMES
    ACCEPTS_MODEL_PATHS = True  # --model PATH.task

    def __init__(self, model: str = "full", *, one_core: bool = False):
        self.model_file = find_model(model)  # before loading mediapipe: a missing file says so fast
        self.one_core = OneCore() if one_core else None
        with native_stderr_silenced(), self._graph_threads_start():
            import mediapipe as mp
            from mediapipe.tasks.python import BaseOptions, vision

            self._mp = mp
            self._options = vision.PoseLandmarkerOptions(
                base_options=BaseOptions(model_asset_path=str(self.model_file.path)),
                running_mode=vision.RunningMode.VIDEO,
                num_poses=1,
                min_pose_detection_confidence=MIN_DETECTION_CONFIDENCE,
                min_pose_presence_confidence=MIN_PRESENCE_CONFIDENCE,
                min_tracking_confidence=MIN_TRACKING_CONFIDENCE,
                output_segmentation_masks=False,
            )
            self._create = vision.PoseLandmarker.create_from_options
            self._landmarker = self._create(self._options)
        self.info = BackendInfo("tasks", self.model_file.name,
                                f"mediapipe {mp.__version__} (tasks, {self.model_file.origin} "
                                f"{self.model_file.path.name})")
        self._last_ms = -1
        self._quiet_frames = 3  # the first frames start the graph's calculators, which log
        self._people = None  # the IMAGE-mode landmarker that looks for people; made when needed
        self._people_quiet = 3
        self._followed: Pose | None = None  # the last pose returned
        self._afresh = True  # the tracker finds its person afresh on the next frame
        self.follow = FollowStats()

    def _graph_threads_start(self):
        return self.one_core.starting_threads() if self.one_core else contextlib.nullcontext()

    def process(self, image_rgb: np.ndarray, t: float) -> Pose | None:
        if self.one_core:
            self.one_core.check()
        # VIDEO mode wants strictly increasing whole milliseconds
        ms = max(int(round(t * 1000.0)), self._last_ms + 1)
        self._last_ms = ms
        image_rgb = np.ascontiguousarray(image_rgb)
        pose = self._track(image_rgb, ms, t)
        if pose is None:
            self._afresh = True
            return None
        followed, lost = self._followed, self._afresh
        self._afresh = False
        if lost or (followed is not None and not continues(followed, pose)):
            pose = self._look_for_people(image_rgb, ms, t, pose)
            if (lost and followed is not None and t - followed.t <= HOLD_S
                    and not continues(followed, pose)):
                # only someone else in view, just after the person was lost: not them (yet).
                # (A jump while tracking is taken: an edited video's cut, which the engine
                # must see as one.)
                self.follow.held += 1
                self._afresh = True
                return None
        self._followed = pose
        return pose

    def _track(self, image_rgb: np.ndarray, ms: int, t: float) -> Pose | None:
        image = self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=image_rgb)
        if self._quiet_frames:
            self._quiet_frames -= 1
            with native_stderr_silenced():
                result = self._landmarker.detect_for_video(image, ms)
        else:
            result = self._landmarker.detect_for_video(image, ms)
        poses = _to_poses(result, image_rgb.shape, t)
        return poses[0] if poses else None

    def _look_for_people(self, image_rgb: np.ndarray, ms: int, t: float, tracked: Pose) -> Pose:
        """The person to follow in this frame, given the tracker's pick (FollowStats)."""
        self.follow.looks += 1
        people = self._find_people(image_rgb, t)
        if len(people) < 2:
            return tracked  # nobody else in view: the tracker's pick is the person
        self.follow.crowded += 1
        chosen = choose_person(people, self._followed, tracked)
        if same_body(chosen, tracked):
            return tracked
        self.follow.switches += 1
        # the tracker follows someone else: it starts afresh on a picture where only the
        # chosen person is left, and tracks them from there
        others = [p for p in people if p is not chosen]
        self.restart()
        retracked = self._track(masked(image_rgb, chosen, others), ms, t)
        self._last_ms = ms
        if retracked is not None and same_body(retracked, chosen):
            self._afresh = False
            return retracked
        return chosen  # the tracker did not find them: restarted, it looks again next frame

    def _find_people(self, image_rgb: np.ndarray, t: float) -> list[Pose]:
        if self._people is None:
            from mediapipe.tasks.python import vision

            options = vision.PoseLandmarkerOptions(
                base_options=self._options.base_options,
                running_mode=vision.RunningMode.IMAGE,
                num_poses=MAX_PEOPLE,
                min_pose_detection_confidence=MIN_DETECTION_CONFIDENCE,
                min_pose_presence_confidence=MIN_PRESENCE_CONFIDENCE,
                min_tracking_confidence=MIN_TRACKING_CONFIDENCE,
                output_segmentation_masks=False,
            )
            with native_stderr_silenced(), self._graph_threads_start():
                self._people = self._create(options)
        image = self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=image_rgb)
        if self._people_quiet:
            self._people_quiet -= 1
            with native_stderr_silenced():
                result = self._people.detect(image)
        else:
            result = self._people.detect(image)
        return _to_poses(result, image_rgb.shape, t)

    def restart(self) -> None:
        # the Tasks API has no reset: a new landmarker forgets the person it tracked
        with native_stderr_silenced(), self._graph_threads_start():
            self._landmarker.close()
            self._landmarker = self._create(self._options)
        self._last_ms = -1
        self._quiet_frames = 3
        self._afresh = True

    def close(self) -> None:
        with native_stderr_silenced():  # mediapipe 1.x logs each accelerator it frees
            for landmarker in (self._landmarker, self._people):
                if landmarker is not None:
                    landmarker.close()
        self._landmarker = self._people = None


def _to_poses(result, shape: tuple[int, ...], t: float) -> list[Pose]:
    h, w = shape[:2]
    poses = []
    for i, landmarks in enumerate(result.pose_landmarks or []):
        lms = np.array([[p.x, p.y, p.z, p.visibility] for p in landmarks], dtype=np.float64)
        world = None
        if result.pose_world_landmarks and i < len(result.pose_world_landmarks):
            world = np.array([[p.x, p.y, p.z] for p in result.pose_world_landmarks[i]],
                             dtype=np.float64)
        poses.append(Pose(t=t, image_size=(w, h), landmarks=lms, world=world))
    return poses
