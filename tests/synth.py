"""Synthetic people for unit tests: a rigid-segment body posed by a few angles over time.

The body is built in 3D (metres, camera axes: x right, y down, z away from the camera) and
projected orthographically, so the image landmarks and the world landmarks agree the way
MediaPipe's do. Keyframes of named parameters are interpolated in time; every frame becomes
a Pose. Noise and visibility drops can be added to test robustness.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from posecheck import landmarks as L
from posecheck.datatypes import Pose
from posecheck.engine.exercise_engine import ExerciseEngine
from posecheck.run.frame_loop import FrameLoop
from posecheck.sinks.base import FrameResult
from posecheck.sinks.report import ReportBuilder

IMAGE = (640, 480)
PX_PER_M = 200.0
HALF_WIDTH = 0.20  # half the shoulder/hip width, metres (MediaPipe joint centres, ~0.4 m apart)

SHIN, THIGH, TRUNK, NECK, UPPER_ARM, FOREARM = 0.45, 0.45, 0.55, 0.12, 0.30, 0.28


def _unit(deg: float) -> np.ndarray:
    """Sagittal direction (forward u, up v) tilted `deg` forward from straight up."""
    r = math.radians(deg)
    return np.array([math.sin(r), math.cos(r)])


def _head(shoulder: np.ndarray, cranial: np.ndarray, anterior: np.ndarray, pitch: float):
    ear = shoulder + NECK * cranial
    r = math.radians(pitch)
    face = math.cos(r) * anterior + math.sin(r) * cranial
    return ear, ear + 0.10 * face


def standing(p: dict) -> dict[str, np.ndarray]:
    """Standing hinge/squat family. lean: trunk from vertical; knee: knee flexion; head: pitch."""
    lean, knee, head = p.get("lean", 0.0), p.get("knee", 5.0), p.get("head", 0.0)
    ankle = np.array([0.0, 0.08])
    knee_pt = ankle + SHIN * _unit(knee * 0.4)
    hip = knee_pt + THIGH * _unit(-knee * 0.6)
    d = _unit(lean)
    shoulder = hip + TRUNK * d
    anterior = np.array([d[1], -d[0]])
    ear, nose = _head(shoulder, d, anterior, head)
    elbow = shoulder + 0.2 * anterior + 0.1 * d  # hands at the head, as in a good morning
    wrist = ear + 0.05 * anterior
    heel, toe = ankle + np.array([-0.05, -0.06]), ankle + np.array([0.16, -0.07])
    j = dict(ear=ear, shoulder=shoulder, elbow=elbow, wrist=wrist, hip=hip,
             knee=knee_pt, ankle=ankle, heel=heel, foot=toe)
    return {f"{s}_{k}": v for s in L.SIDES for k, v in j.items()} | {"nose": nose}


def prone(p: dict) -> dict[str, np.ndarray]:
    """Lying face down and pressing up. ext: trunk lift (deg); elbow: flexion; head: pitch."""
    ext, elbow_flex, head = p.get("ext", 0.0), p.get("elbow", 5.0), p.get("head", 10.0)
    hip = np.array([0.0, 0.10])
    knee, ankle = hip + np.array([-THIGH, 0.0]), hip + np.array([-THIGH - SHIN, 0.0])
    r = math.radians(ext)
    d = np.array([math.cos(r), math.sin(r)])  # towards the head
    shoulder = hip + TRUNK * d
    anterior = np.array([d[1], -d[0]])  # the belly side, towards the floor when flat
    ear, nose = _head(shoulder, d, anterior, head)
    down = np.array([0.15, -1.0]) / np.linalg.norm([0.15, -1.0])
    elbow = shoulder + UPPER_ARM * down
    a = math.radians(elbow_flex)
    fore = np.array([down[0] * math.cos(a) - down[1] * math.sin(a),
                     down[0] * math.sin(a) + down[1] * math.cos(a)])
    wrist = elbow + FOREARM * fore
    heel, toe = ankle + np.array([0.0, 0.06]), ankle + np.array([-0.05, -0.08])
    j = dict(ear=ear, shoulder=shoulder, elbow=elbow, wrist=wrist, hip=hip, knee=knee,
             ankle=ankle, heel=heel, foot=toe)
    return {f"{s}_{k}": v for s in L.SIDES for k, v in j.items()} | {"nose": nose}


def supine(p: dict) -> dict[str, np.ndarray]:
    """Lying on the back, knees bent, feet flat: a glute bridge. ext: the hip's extension (the
    trunk behind the thigh's line, deg: -50 lying, 0 at a straight bridge, more is an arch).
    The shoulders stay on the floor; the hips rise as the hip opens (lift = half of ext + 50)."""
    ext = p.get("ext", -50.0)
    lift = math.radians(max(0.0, (ext + 50.0) * 0.5))  # the trunk's rise from the floor
    shoulder = np.array([0.0, 0.10])
    hip = shoulder + TRUNK * np.array([math.cos(lift), math.sin(lift)])  # feet towards +u
    thigh = lift - math.radians(ext)  # the thigh's rise above the floor line
    knee = hip + THIGH * np.array([math.cos(thigh), math.sin(thigh)])
    ankle = np.array([knee[0] + 0.05, 0.10])
    heel, toe = ankle + np.array([-0.03, -0.05]), ankle + np.array([0.15, -0.06])
    ear = shoulder + np.array([-NECK, 0.02])
    elbow, wrist = shoulder + np.array([UPPER_ARM, -0.03]), shoulder + np.array([UPPER_ARM + FOREARM, -0.04])
    j = dict(ear=ear, shoulder=shoulder, elbow=elbow, wrist=wrist, hip=hip, knee=knee,
             ankle=ankle, heel=heel, foot=toe)
    return {f"{s}_{k}": v for s in L.SIDES for k, v in j.items()} | {"nose": ear + np.array([0.03, 0.10])}


def half_kneeling(p: dict) -> dict[str, np.ndarray]:
    """Kneeling on the left knee, right foot forward. squeeze: the kneeling hip pushed forward
    past the trunk's line (deg); lean: trunk from vertical (forward +)."""
    squeeze, lean = p.get("squeeze", 0.0), p.get("lean", 0.0)
    knee = np.array([0.0, 0.05])  # the kneeling knee on the floor
    hip = knee + THIGH * _unit(squeeze)  # the hip comes forward of the knee as it squeezes
    d = _unit(lean)
    shoulder = hip + TRUNK * d
    anterior = np.array([d[1], -d[0]])
    ear, nose = _head(shoulder, d, anterior, 0.0)
    kneel = dict(hip=hip, knee=knee, ankle=knee + np.array([-SHIN, 0.0]),
                 heel=knee + np.array([-SHIN, 0.06]), foot=knee + np.array([-SHIN - 0.08, -0.03]))
    f_knee = hip + np.array([THIGH, 0.0])
    f_ankle = f_knee + np.array([0.0, -SHIN])
    front = dict(hip=hip, knee=f_knee, ankle=f_ankle, heel=f_ankle + np.array([-0.05, -0.04]),
                 foot=f_ankle + np.array([0.15, -0.05]))
    arms = dict(ear=ear, shoulder=shoulder, elbow=shoulder + 0.25 * anterior - 0.1 * _unit(lean),
                wrist=hip + 0.1 * anterior)
    return ({f"left_{k}": v for k, v in (kneel | arms).items()}
            | {f"right_{k}": v for k, v in (front | arms).items()} | {"nose": nose})


def quadruped(p: dict) -> dict[str, tuple[np.ndarray, float]]:
    """On all fours. lift_left / lift_right: thigh abduction (deg); kick_left / kick_right: the
    thigh swung back towards the feet (hip extension, deg: a donkey kick, or a bird dog's leg at
    90); roll: upper-body roll. For the bird dog and the cat-cow also: reach_left / reach_right:
    an arm reaching forward from hanging down (deg); hip_roll: the hip line rolled (deg, the
    left hip up); pitch: the trunk tipped (deg, the shoulders down); head: the head bowed towards
    the chest against the trunk (deg, the cat; negative lifted, the cow)."""
    out: dict = {}
    hip = np.array([0.0, 0.50])
    pitch = math.radians(p.get("pitch", 0.0))
    shoulder = hip + np.array([0.55 * math.cos(pitch) + 0.05 * math.sin(pitch),
                               0.05 * math.cos(pitch) - 0.55 * math.sin(pitch)])
    roll = math.radians(p.get("roll", 0.0))
    hip_roll = math.radians(p.get("hip_roll", 0.0))
    for s, sign in (("left", 1.0), ("right", -1.0)):
        lift = math.radians(p.get(f"lift_{s}", 3.0))
        kick = math.radians(p.get(f"kick_{s}", 0.0))
        lat = sign * HALF_WIDTH
        knee_u = hip[0] - THIGH * math.sin(kick)
        knee_v = hip[1] - THIGH * math.cos(kick) * math.cos(lift)
        knee_lat = lat + sign * THIGH * math.cos(kick) * math.sin(lift)
        sh_v = shoulder[1] + sign * HALF_WIDTH * math.sin(roll)
        out[f"{s}_hip"] = (hip + np.array([0.0, sign * HALF_WIDTH * math.sin(hip_roll)]), lat)
        out[f"{s}_knee"] = (np.array([knee_u, knee_v]), knee_lat)
        out[f"{s}_ankle"] = (np.array([knee_u - SHIN, knee_v]), knee_lat)
        out[f"{s}_heel"] = (np.array([knee_u - SHIN - 0.05, knee_v + 0.03]), knee_lat)
        out[f"{s}_foot"] = (np.array([knee_u - SHIN - 0.1, knee_v]), knee_lat)
        out[f"{s}_shoulder"] = (np.array([shoulder[0], sh_v]), lat)
        if f"reach_{s}" in p:  # the arm straight, at this angle forward of hanging down
            r = math.radians(p[f"reach_{s}"])
            along = np.array([math.sin(r), -math.cos(r)])
            out[f"{s}_elbow"] = (np.array([shoulder[0], sh_v]) + UPPER_ARM * along, lat)
            out[f"{s}_wrist"] = (np.array([shoulder[0], sh_v]) + (UPPER_ARM + FOREARM) * along, lat)
        else:
            out[f"{s}_elbow"] = (np.array([shoulder[0], sh_v - 0.27]), lat)
            out[f"{s}_wrist"] = (np.array([shoulder[0], 0.02]), lat)
        out[f"{s}_ear"] = (shoulder + np.array([0.12, 0.05]), lat * 0.6)
    if "head" in p:  # the face turned from straight down (0) towards the chest (+) or forward (-)
        a = math.radians(90.0 + p["head"]) - pitch  # from the trunk's forward direction, downwards
        face = np.array([math.cos(a), -math.sin(a)])
        out["nose"] = (shoulder + np.array([0.12, 0.05]) + 0.10 * face, 0.0)
    else:
        out["nose"] = (shoulder + np.array([0.2, 0.0]), 0.0)
    return out


HEAD_UP = 0.22  # the ears' height above the shoulder line, metres (MediaPipe reads 70-90 deg of shoulder_lift)
EAR_HALF = 0.075


def seated(p: dict) -> dict[str, tuple[np.ndarray, float]]:
    """Sitting at a desk, facing the camera (use view="front"). tilt: the head tilted sideways
    (deg, + towards the left shoulder); shrug: both shoulders raised (metres); twist: the
    shoulders, arms and head turned about the vertical (deg); hips: the hips and knees turned
    with them (deg, a twist that comes from the hips)."""
    tilt, shrug = math.radians(p.get("tilt", 0.0)), p.get("shrug", 0.0)
    twist, hips = math.radians(p.get("twist", 0.0)), math.radians(p.get("hips", 0.0))

    def turned(u: float, v: float, lat: float, a: float):
        # about the vertical through the spine: forward u and lateral lat rotate together
        return (np.array([u * math.cos(a) - lat * math.sin(a), v]),
                lat * math.cos(a) + u * math.sin(a))

    out: dict = {}
    seat = 0.50
    top = seat + TRUNK
    for s, sign in (("left", 1.0), ("right", -1.0)):
        lat = sign * HALF_WIDTH
        out[f"{s}_hip"] = turned(0.0, seat, 0.8 * lat, hips)
        out[f"{s}_knee"] = turned(THIGH, seat, 0.8 * lat, hips)
        out[f"{s}_ankle"] = turned(THIGH, seat - SHIN, 0.8 * lat, hips)
        out[f"{s}_heel"] = turned(THIGH - 0.05, seat - SHIN - 0.03, 0.8 * lat, hips)
        out[f"{s}_foot"] = turned(THIGH + 0.15, seat - SHIN - 0.05, 0.8 * lat, hips)
        out[f"{s}_shoulder"] = turned(0.0, top + shrug, lat, twist)
        out[f"{s}_elbow"] = turned(0.05, top + shrug - UPPER_ARM, lat * 1.1, twist)
        out[f"{s}_wrist"] = turned(0.05 + FOREARM, top + shrug - UPPER_ARM, lat * 0.8, twist)
        # the head tilts sideways about the base of the neck, between the shoulders
        ear_lat = HEAD_UP * math.sin(tilt) + sign * EAR_HALF * math.cos(tilt)
        ear_v = top + HEAD_UP * math.cos(tilt) - sign * EAR_HALF * math.sin(tilt)
        out[f"{s}_ear"] = turned(0.0, ear_v, ear_lat, twist)
    out["nose"] = turned(0.10, top + HEAD_UP * math.cos(tilt) - 0.02, HEAD_UP * math.sin(tilt), twist)
    return out


_INDEX = {"nose": L.NOSE}
for _s in L.SIDES:
    for _name, (_l, _r) in {**L.JOINTS, "heel": (L.LEFT_HEEL, L.RIGHT_HEEL),
                            "foot": (L.LEFT_FOOT, L.RIGHT_FOOT)}.items():
        _INDEX[f"{_s}_{_name}"] = _l if _s == "left" else _r


def to_pose(joints: dict, t: float, facing: str = "right", view: str = "side") -> Pose:
    """Place sagittal joints in camera space and project. Joints from `quadruped` and `seated`
    carry their own lateral offset; the others get +-HALF_WIDTH by side."""
    world = np.zeros((L.NUM_LANDMARKS, 3))
    f = 1.0 if facing == "right" else -1.0
    for name, value in joints.items():
        if isinstance(value, tuple):
            (u, v), lat = value
        else:
            u, v = value
            lat = 0.0 if name == "nose" else (HALF_WIDTH if name.startswith("left") else -HALF_WIDTH)
        if view == "side":
            # facing +x the person's right side is nearest the camera (smaller z)
            x, y, z = f * u, -v, f * lat
        else:  # facing the camera: the person's left appears on the image's right
            x, y, z = lat, -v, -u
        world[_INDEX[name]] = (x, y, z)
    # unlisted landmarks (eyes, mouth, fingers) sit on their nearest listed neighbour
    fill = {1: 0, 2: 0, 3: 0, 4: 0, 5: 0, 6: 0, 9: 0, 10: 0, 17: 15, 19: 15, 21: 15, 18: 16, 20: 16, 22: 16}
    for i, src in fill.items():
        world[i] = world[src]
    w, h = IMAGE
    centre = np.array([w / 2, h * 0.75])
    px = centre + PX_PER_M * world[:, :2]
    lms = np.zeros((L.NUM_LANDMARKS, 4))
    lms[:, 0], lms[:, 1] = px[:, 0] / w, px[:, 1] / h
    lms[:, 2] = world[:, 2] * PX_PER_M / w
    lms[:, 3] = 0.99
    hip_mid = (world[L.LEFT_HIP] + world[L.RIGHT_HIP]) / 2
    return Pose(t=t, image_size=IMAGE, landmarks=lms, world=world - hip_mid)


@dataclass(frozen=True)
class Key:
    """Hold the previous parameters for `hold_s`, then move to `params` over `move_s`."""

    move_s: float
    params: dict
    hold_s: float = 0.0


def timeline(start: dict, keys: list[Key], fps: float = 30.0, lead_s: float = 1.5):
    """Yield (t, params) at fps: `lead_s` in the start parameters, then the keyframes."""
    segments = [(lead_s, start, start)]
    cur = start
    for k in keys:
        if k.hold_s:
            segments.append((k.hold_s, cur, cur))
        nxt = {**cur, **k.params}
        segments.append((k.move_s, cur, nxt))
        cur = nxt
    segments.append((1.0, cur, cur))
    t0, n = 0.0, 0
    for dur, a, b in segments:
        while n / fps < t0 + dur - 1e-9:
            t = n / fps
            x = (t - t0) / dur if dur else 1.0
            x = 0.5 - 0.5 * math.cos(math.pi * x)  # smooth starts and stops, like a person
            yield t, {k: a.get(k, b.get(k)) + (b.get(k, a.get(k)) - a.get(k, b.get(k))) * x
                      for k in set(a) | set(b)}
            n += 1
        t0 += dur


def reps(work: dict, rest: dict, n: int, down_s=1.5, hold_s=1.0, up_s=1.5, pause_s=1.0) -> list[Key]:
    """n reps: move to `work`, stay `hold_s`, return to `rest`, stay `pause_s`."""
    keys: list[Key] = []
    for _ in range(n):
        keys += [Key(down_s, work), Key(up_s, rest, hold_s=hold_s), Key(0.0, {}, hold_s=pause_s)]
    return keys


def poses(body, start: dict, keys: list[Key], fps: float = 30.0, facing: str = "right",
          view: str = "side", lead_s: float = 1.5, noise: float = 0.0, seed: int = 0,
          drop: list[tuple[float, float]] = (), hide: dict[str, list[tuple[float, float]]] | None = None):
    """(t, Pose | None) for a performance. noise: sd of landmark jitter in image fractions.
    drop: time spans with no person found. hide: landmark index -> spans of low visibility."""
    rng = np.random.default_rng(seed)
    out = []
    for t, params in timeline(start, keys, fps, lead_s):
        if any(a <= t < b for a, b in drop):
            out.append((t, None))
            continue
        pose = to_pose(body(params), t, facing, view)
        lms = pose.landmarks.copy()
        world = pose.world.copy()
        if noise:
            lms[:, :2] += rng.normal(0, noise, size=(L.NUM_LANDMARKS, 2))
            world += rng.normal(0, noise * 2, size=world.shape)
        for idx, spans in (hide or {}).items():
            if any(a <= t < b for a, b in spans):
                lms[idx, 3] = 0.05
        out.append((t, replace(pose, landmarks=lms, world=world)))
    return out


def judge(exercise, frames):
    """(t, Pose | None) frames through the frame loop with the report's sink, as a replayed pose
    track goes: (what the report collected - reps, cues, fault counts -, every frame's state)."""
    seen = ReportBuilder(exercise)
    states = []
    with FrameLoop(ExerciseEngine(exercise), [seen]) as loop:
        for i, (t, pose) in enumerate(frames):
            states.append(loop.add(FrameResult(t, i, None, IMAGE, pose, judged=True)).state)
    return seen, states
