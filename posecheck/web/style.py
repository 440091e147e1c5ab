"""The page's own CSS (one string; page.py writes it once per run).

Measured in headless Chromium at 1366x768 before this: Streamlit's 6rem top padding, the title,
the exercise's steps and the "Live" heading put the Start button and the video below the
fold; Start was the camera component's small button under the video.
"""

PAGE_CSS = """
<style>
/* the page starts near the top (the header bar is 3.75rem) */
[data-testid="stMainBlockContainer"] {padding-top: 3rem; padding-bottom: 2rem}
[data-testid="stSidebarUserContent"] {padding-top: 1rem}
/* the session's own Start/Stop: big enough to hit from arm's length, and worded, so its colour
   is never the only signal */
.st-key-start button, .st-key-stop button {min-height: 4.5rem; border: 3px solid #111}
.st-key-start button p, .st-key-stop button p {font-size: 2.2rem; font-weight: 800}
.st-key-start button {background: #1b6e3a; color: #fff}
.st-key-stop button {background: #b3261e; color: #fff}
/* every other button at least 44 px high */
.stButton button, .stDownloadButton button {min-height: 2.75rem}
/* the live video is never taller than the screen leaves room for (square or 4:3 camera) */
.st-key-pc_video {max-width: calc(100vh - 340px)}
/* the review's video fits the screen beside its count */
[data-testid="stVideo"] video, video[data-testid="stVideo"] {max-height: calc(100vh - 120px)}
/* the picker shows a long exercise name whole ("Lumbar extension without hyperextension") */
[data-testid="stSidebar"] [data-baseweb="select"] div {white-space: normal; overflow: visible;
  text-overflow: clip}
</style>
"""
