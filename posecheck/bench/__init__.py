"""`posecheck bench`: the speed of posecheck next to the pose model alone, and live latency.
"""
