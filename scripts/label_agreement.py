"""Label agreement per pose backend and model: every labelled clip in ../shared/data/labels.toml
through the whole analysis, every frame and at the automatic stride, with the checks of
tests/test_real_clips.py (posecheck/bench/labels.py). Prints one line per label and combination,
and a summary. `posecheck bench --matrix` prints the same agreement beside the speed numbers.

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--combos", nargs="+", default=["solutions:full", "tasks:full", "tasks:lite"])
    parser.add_argument("--tracks", type=Path, default=Path("/tmp/posecheck-label-tracks"))
    parser.add_argument("--data", type=Path,
                        default=Path(os.environ.get("POSECHECK_DATA", REPO.parent / "shared" / "data")))
    args = parser.parse_args(argv)

    from posecheck.bench.labels import label_agreement

    summary = []
    for combo in args.combos:
        backend, model = combo.split(":")
        agreement = label_agreement(backend, model, args.data, args.tracks,
                                    log=lambda line: print(line, flush=True))
        summary.append(f"{combo:16} every frame {agreement.cell('s1')}, auto stride {agreement.cell('auto')}")
    print("\n".join(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
