"""Errors that carry a sentence meant for a person, not a traceback."""


class PosecheckError(Exception):
    """Base class: str(error) is a complete, user-facing sentence."""


class VideoError(PosecheckError):
    """The input file is missing, empty, not a video, or cannot be decoded."""


class TrackError(PosecheckError):
    """A pose track (JSON lines) file is malformed."""


class ExerciseFileError(PosecheckError):
    """An exercise definition file is malformed; the message names the file and the field."""


class UnknownExerciseError(PosecheckError):
    """An exercise id that no exercise file defines."""


class HistoryError(PosecheckError):
    """The history file cannot be created, read or written; it is never deleted or rewritten
    to get past this."""


class RoutineFileError(PosecheckError):
    """A routine file is malformed or names an exercise that is not there; the message names
    the file and the field."""
