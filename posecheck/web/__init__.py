"""The Streamlit page's logic, kept out of app.py so it can be tested piece by piece.

page: the widgets that tie the rest together; board: the live session's big-type board;
speech: saying announcements in the browser; review: the uploaded-video flow; history_page:
past sessions; plan_report (plan_page, report_page): the plan, its calendar file and the
progress report; figure: reference stick figures; info: exercise texts; webrtc: the one call into
streamlit-webrtc. The live processor itself (run/live.py) imports no Streamlit.
"""
