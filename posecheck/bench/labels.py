"""Agreement with the labels: every labelled clip of a defined exercise (labels.toml next to the
clips folder) through the whole analysis with one pose backend and model, every frame and at the
automatic stride, judged with the checks of tests/test_real_clips.py: reps within the label's
tolerance, the faults that must and must not be reported, both sides of a sided exercise.

The pose tracks are written to a folder, keyed by backend, model, stride and clip, so that a
second run over the same folder only replays them (the replay takes a second; the model minutes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..toml_reader import tomllib

STRIDES = {"s1": 1, "auto": None}  # every frame, and the automatic stride `analyze` uses


def read_labels(data_dir: Path) -> list[dict]:
    """The [[clip]] entries of labels.toml in the data folder."""
    with open(data_dir / "labels.toml", "rb") as fh:
        return tomllib.load(fh)["clip"]


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


@dataclass
class Agreement:
    """Labels held by one backend and model, per stride ("s1", "auto")."""

    backend: str
    model: str
    total: int = 0
    held: dict[str, int] = field(default_factory=dict)
    misses: dict[str, list[str]] = field(default_factory=dict)  # per stride: "clip as exercise: what"

    def cell(self, kind: str) -> str:
        return f"{self.held.get(kind, 0)}/{self.total}" if kind in self.held else "-"


def label_agreement(backend: str, model: str, data_dir: Path, tracks_dir: Path,
                    kinds=tuple(STRIDES), log=lambda line: None) -> Agreement:
    """Every label of a defined exercise, analysed with the backend and model at each stride."""
    from ..engine.exercises import load_all
    from ..run.files import analyze_track, analyze_video

    library = load_all()
    labels = [x for x in read_labels(data_dir) if x["exercise"] in library.exercises]
    tracks_dir.mkdir(parents=True, exist_ok=True)
    result = Agreement(backend, model, total=len(labels))
    for kind in kinds:
        result.held[kind], result.misses[kind] = 0, []
        for label in labels:
            track = tracks_dir / f"{label['file']}.{backend}-{Path(model).name}.{kind}.jsonl"
            if not track.exists():
                part = track.with_suffix(".part")
                analyze_video(str(data_dir / "videos" / label["file"]), library.get("hip_hinge"),
                              stride=STRIDES[kind], track_to=str(part), backend=backend, model=model)
                part.rename(track)
            exercise = library.get(label["exercise"])
            report = analyze_track(str(track), exercise)
            wrong = check(label, report, exercise)
            result.held[kind] += not wrong
            if wrong:
                result.misses[kind].append(f"{label['file']} as {label['exercise']}: {'; '.join(wrong)}")
            faults = ",".join(f"{k}x{v}" for k, v in report.fault_counts.items()) or "-"
            log(f"{backend}:{Path(model).name:5} {kind:4} {label['file'][:44]:44} {label['exercise'][:18]:18} "
                f"reps {report.reps:2} (label {label.get('reps', '?')}) "
                f"{'ok' if not wrong else 'MISS: ' + '; '.join(wrong)}  [{faults}]")
    return result
