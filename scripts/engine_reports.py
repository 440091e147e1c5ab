"""Record, or compare against, the engine's reports of every pose track x every exercise.

For changes that must not change what the engine decides (speed work on smoothing, features,
rules): record before, compare after.

    python scripts/engine_reports.py record TRACK_DIR OUT_DIR
    python scripts/engine_reports.py compare TRACK_DIR OUT_DIR

TRACK_DIR holds `*.jsonl` pose tracks, e.g. the test suite's POSECHECK_TRACK_CACHE; where it
holds tracks from several versions of the pose stage, name one with --digest. Reports are compared whole
(apart from timing); the rep angle at full precision is compared too and its largest
difference printed, so a change that only moves the last bits is seen as such.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from posecheck.engine.exercise_engine import ExerciseEngine  # noqa: E402
from posecheck.engine.exercises import load_all  # noqa: E402
from posecheck.run.files import analyze_track  # noqa: E402
from posecheck.pose.track import TrackSample, read_track  # noqa: E402


def tracks_in(folder: Path, digest: str | None) -> dict[str, Path]:
    """clip name -> its track; the cache names them CLIP.DIGEST.jsonl."""
    out: dict[str, Path] = {}
    for path in sorted(folder.glob(f"*.{digest}.jsonl" if digest else "*.jsonl")):
        stem = path.name[: -len(".jsonl")]
        clip = stem.rsplit(".", 1)[0] if stem.count(".") > 1 else stem  # drop the digest
        if clip in out:
            raise SystemExit(f"{folder} holds several tracks of {clip}: choose one with --digest")
        out[clip] = path
    return out


def exact_metrics(track: Path, exercise) -> list[float | None]:
    engine = ExerciseEngine(exercise)
    out = []
    with open(track, encoding="utf-8") as fh:
        for item in read_track(fh):
            if isinstance(item, TrackSample):
                out.append(engine.update(item.pose, item.t).metric)
    return out


def snapshot(track: Path, exercise) -> dict:
    report = analyze_track(str(track), exercise).to_dict(include_timing=False)
    return {"report": report, "metric": exact_metrics(track, exercise)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=("record", "compare"))
    parser.add_argument("tracks", type=Path)
    parser.add_argument("reports", type=Path)
    parser.add_argument("--digest", help="only tracks named CLIP.DIGEST.jsonl")
    args = parser.parse_args()
    exercises = load_all().exercises
    tracks = tracks_in(args.tracks, args.digest)
    if not tracks:
        print(f"no tracks in {args.tracks}", file=sys.stderr)
        return 2
    args.reports.mkdir(parents=True, exist_ok=True)
    differing, compared, worst = [], 0, 0.0
    for clip, track in tracks.items():
        for ex_id, exercise in exercises.items():
            name = args.reports / f"{clip}.{ex_id}.json"
            now = snapshot(track, exercise)
            if args.mode == "record":
                name.write_text(json.dumps(now))
                continue
            if not name.exists():
                print(f"missing: {name.name}")
                continue
            before = json.loads(name.read_text())
            compared += 1
            if before["report"] != now["report"]:
                differing.append(name.name)
            for a, b in zip(before["metric"], now["metric"]):
                if (a is None) != (b is None):
                    worst = math.inf
                elif a is not None and not (math.isnan(a) and math.isnan(b)):
                    worst = max(worst, abs(a - b))
            if len(before["metric"]) != len(now["metric"]):
                worst = math.inf
    if args.mode == "record":
        print(f"recorded {len(tracks)} tracks x {len(exercises)} exercises in {args.reports}")
        return 0
    print(f"compared {compared} reports: {len(differing)} differ; "
          f"largest rep-angle difference {worst:.3g} deg")
    for name in differing:
        print(f"  differs: {name}")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
