"""Video in and out: decoding files into timed RGB frames (PyAV), encoding H.264 that browsers play.
"""
