"""The Streamlit page's logic, kept out of app.py so it can be tested piece by piece.

figure: reference stick figures; info: exercise texts; review: the uploaded-video flow;
live: the webcam flow (streamlit-webrtc); page: the widgets that tie them together.
"""
