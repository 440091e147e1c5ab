"""Label agreement per pose backend and model: every labelled clip in ../shared/data/labels.toml
through the whole analysis, every frame and at the automatic stride, with the checks of
tests/test_real_clips.py (reps within the tolerance, faults that must and must not be reported,
both sides of a sided exercise). Prints one line per label and combination, and a summary.

    python scripts/label_agreement.py [--combos tasks:full tasks:lite solutions:full]
                                      [--tracks DIR] [--data DIR]

Pose tracks are kept in --tracks (keyed by backend, model, stride and the clip), so a second
run only replays them.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))


def check(label: dict, report, exercise) -> list[str]:
    """What is wrong with the report against the label (empty: it agrees)."""
    wrong = []
    if "reps" in label and abs(report.reps - label["reps"]) > label.get("tolerance", 0):
        wrong.append(f"{report.reps} reps, labelled {label['reps']}")
    wrong += [f"{c} missing" for c in label.get("faults", []) if c not in report.fault_counts]
    wrong += [f"{c} reported" for c in label.get("no_faults", []) if c in report.fault_counts]
    if exercise.sided and set(report.reps_by_side) != {"left", "right"}:
        wrong.append(f"sides {report.reps_by_side}")
    return wrong


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--combos", nargs="+", default=["solutions:full", "tasks:full", "tasks:lite"])
    parser.add_argument("--tracks", type=Path, default=Path("/tmp/posecheck-label-tracks"))
    parser.add_argument("--data", type=Path,
                        default=Path(os.environ.get("POSECHECK_DATA", REPO.parent / "shared" / "data")))
    args = parser.parse_args(argv)

    from conftest import read_labels
    from posecheck.engine.exercises import load_all
    from posecheck.run.files import analyze_track, analyze_video

    labels = read_labels(args.data)
    library = load_all()
    args.tracks.mkdir(parents=True, exist_ok=True)
    summary = []
    for combo in args.combos:
        backend, model = combo.split(":")
        agree = {1: 0, None: 0}
        for stride in (1, None):
            for label in labels:
                if label["exercise"] not in library.exercises:
                    continue
                kind = "s1" if stride == 1 else "auto"
                track = args.tracks / f"{label['file']}.{backend}-{model}.{kind}.jsonl"
                if not track.exists():
                    part = track.with_suffix(".part")
                    analyze_video(str(args.data / "videos" / label["file"]), library.get("hip_hinge"),
                                  stride=stride, track_to=str(part), backend=backend, model=model)
                    part.rename(track)
                exercise = library.get(label["exercise"])
                report = analyze_track(str(track), exercise)
                wrong = check(label, report, exercise)
                agree[stride] += not wrong
                faults = ",".join(f"{k}x{v}" for k, v in report.fault_counts.items()) or "-"
                print(f"{combo:16} {kind:4} {label['file'][:44]:44} {label['exercise'][:18]:18} "
                      f"reps {report.reps:2} (label {label.get('reps', '?')}) "
                      f"{'ok' if not wrong else 'MISS: ' + '; '.join(wrong)}  [{faults}]",
                      flush=True)
        total = sum(1 for x in labels if x["exercise"] in library.exercises)
        summary.append(f"{combo:16} every frame {agree[1]}/{total}, auto stride {agree[None]}/{total}")
    print("\n".join(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
