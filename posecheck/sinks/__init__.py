"""Sinks: what a frame leaves behind, recorded (base.py says what a sink is given): the annotated
video, the pose track, the report, the history.
"""
