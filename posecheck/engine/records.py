"""What a finished (or abandoned) set and session leave behind: the history's data.

These are the objects the session layer hands to the history store and the page reads back.
They hold numbers only - never frames or landmarks - so nothing of the person's image is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Session status, as stored.
IN_PROGRESS = "in_progress"  # still running, or the process died before it could say
FINISHED = "finished"  # all planned sets done
ABANDONED = "abandoned"  # stopped early: Stop pressed, camera gone, tab closed
# Read back only, never stored: in_progress in the file, but the process that wrote it has
# ended (crash, server stopped) - its finished sets are kept.
INTERRUPTED = "interrupted"

# Where a session came from.
SOURCE_LIVE = "live"
SOURCE_VIDEO = "video"


@dataclass(frozen=True)
class RepSummary:
    index: int  # 1-based within its set
    side: str | None  # "left"/"right" for sided exercises
    peak_deg: float  # range of motion: the rep feature's extreme, degrees
    hold_s: float  # time held still at the working end (bottom of a hinge, top of a press-up)
    duration_s: float
    faults: tuple[str, ...] = ()
    # the excursion from the person's start (rules.RepRecord), and the range it was shown
    # against; None in sessions saved before ranges were measured
    range_deg: float | None = None
    target_deg: float | None = None


@dataclass(frozen=True)
class SetRecord:
    index: int  # 1-based within the session
    side: str | None
    target_reps: int
    reps: tuple[RepSummary, ...]
    partial_reps: int
    started_s: float  # session clock (seconds since the session started)
    ended_s: float
    completed: bool  # False: the set was cut short (stop, camera loss, end of video)
    fault_counts: dict[str, int] = field(default_factory=dict)

    @property
    def rep_count(self) -> int:
        return len(self.reps)


@dataclass
class SessionRecord:
    id: str  # uuid4 hex
    started_at: str  # ISO 8601, UTC, seconds precision
    exercise_id: str
    exercise_name: str
    side: str | None  # chosen side for sided exercises ("left"/"right"/"both"), else None
    source: str  # SOURCE_LIVE | SOURCE_VIDEO
    planned_sets: int
    target_reps: int  # reps per set the person aimed for
    status: str = IN_PROGRESS
    ended_at: str | None = None
    sets: list[SetRecord] = field(default_factory=list)
    # one exercise of a routine: the routine's id, and the run it was part of (one id for
    # the exercises done one after another); None for a session on its own
    routine_id: str | None = None
    routine_run: str | None = None
    # the person's pain, 0-10, just before and just after (None: not asked, or skipped); for a
    # routine, its first exercise's session holds the run's "before" and its last the "after"
    pain_before: int | None = None
    pain_after: int | None = None
    # ratings given with "It hurts" while it ran, in order; and whether one of them met the
    # safety stop (engine/pain.py) and ended it
    pain_during: tuple[int, ...] = ()
    stopped_for_pain: bool = False

    @property
    def total_reps(self) -> int:
        return sum(s.rep_count for s in self.sets)
