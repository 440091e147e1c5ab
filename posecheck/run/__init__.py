"""The drivers, side by side: video files and pose tracks (files.py), several files (batch.py), the
live camera (live.py); each feeds one frame loop (frame_loop.py) that fans out to the sinks.
"""
