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
.st-key-start button, .st-key-start button:hover, .st-key-start button:focus,
.st-key-start button:active {background: #1b6e3a; color: #fff; border-color: #111}
.st-key-stop button, .st-key-stop button:hover, .st-key-stop button:focus,
.st-key-stop button:active {background: #b3261e; color: #fff; border-color: #111}
/* "It hurts" beside Stop, as big; amber, and worded */
div.st-key-pain_hurts button {min-height: 4.5rem; border: 3px solid #111; background: #ffd166;
  color: #111}
.st-key-pain_hurts button p {font-size: 1.7rem; font-weight: 800}
/* the 0-10 pain scale: one tap from a metre or two away, on the floor (well over the 44 px
   minimum for touch) */
div.st-key-pc_pain button {min-height: 3.5rem; border: 2px solid #1d4e89; padding: 0 0.2rem}
.st-key-pc_pain button p {font-size: 1.8rem; font-weight: 800}
.st-key-pain_skip button p {font-size: 1.3rem}
/* every other button at least 44 px high */
.stButton button, .stDownloadButton button {min-height: 2.75rem}
/* the live video is never taller than the screen leaves room for (square or 4:3 camera) */
.st-key-pc_video {max-width: calc(100vh - 340px)}
/* the review's video fits the screen beside its count */
[data-testid="stVideo"] video, video[data-testid="stVideo"] {max-height: calc(100vh - 120px)}
</style>
"""
