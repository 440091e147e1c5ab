"""The exercise engine: poses and timestamps in, reps, cues and sessions out. Pure: numpy and the
standard library only, no I/O, no clock, no video, model or page library.
"""
