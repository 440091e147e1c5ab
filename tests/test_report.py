"""The report keeps its JSON, CSV and summary exactly: two synthetic tracks against the reports
checked in to tests/expected/ (made before the report became typed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from report_tracks import PERFORMANCES, write_track
from posecheck.run.files import analyze_track
from posecheck.sinks.report import summary_text

EXPECTED = json.loads((Path(__file__).parent / "expected" / "synthetic_reports.json").read_text())


@pytest.mark.parametrize("name", sorted(PERFORMANCES))
def test_the_report_says_exactly_what_it_said_before(name, library, tmp_path):
    expected = EXPECTED[name]
    report = analyze_track(str(write_track(tmp_path, name)), library.get(PERFORMANCES[name][0]))
    assert report.to_dict(include_timing=False) == expected["report"]
    # the same keys in the same order, timing included unless asked not to
    assert list(json.loads(report.to_json())) == expected["keys"]
    assert list(report.to_dict(include_timing=False)) == [k for k in expected["keys"] if k != "timing"]
    assert json.dumps(report.to_dict(include_timing=False)) == json.dumps(expected["report"])
    assert report.rep_csv() == expected["rep_csv"]
    summary = summary_text(report).splitlines()
    assert [line for line in summary if not line.startswith("Frames analysed")] == expected["summary"]


def test_the_summary_says_when_the_model_ran_on_every_nth_frame_only(library, tmp_path):
    from dataclasses import replace

    name = sorted(PERFORMANCES)[0]
    report = analyze_track(str(write_track(tmp_path, name)), library.get(PERFORMANCES[name][0]))
    assert "every" not in _frames_line(summary_text(report))
    line = _frames_line(summary_text(replace(report, stride=2)))
    assert "every 2nd frame" in line and line.startswith(f"Frames analysed: {report.frames} (")
    assert "every 3rd frame" in _frames_line(summary_text(replace(report, stride=3)))


def _frames_line(summary: str) -> str:
    return next(line for line in summary.splitlines() if line.startswith("Frames analysed"))
