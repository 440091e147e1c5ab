"""Real-browser tests: `streamlit run app.py` driven by headless Chromium through Selenium.

Needs /usr/bin/chromium and /usr/bin/chromedriver (Debian: apt-get install chromium
chromium-driver); no browser is ever downloaded. Missing -> fail under CI=true, skip otherwise.
Screenshots go to test-output/ (gitignored).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "test-output"
CLIP = "good-morning_side_palfit_1.mp4"
CHROMIUM = os.environ.get("POSECHECK_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("POSECHECK_CHROMEDRIVER", "/usr/bin/chromedriver")

pytestmark = pytest.mark.e2e


def _missing(message: str):
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser_paths():
    for path in (CHROMIUM, CHROMEDRIVER):
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            _missing(f"{path} not found (apt-get install -y chromium chromium-driver)")
    try:
        import selenium  # noqa: F401
    except ImportError:
        _missing("selenium is not installed (pip install -e '.[test]')")
    return CHROMIUM, CHROMEDRIVER


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serving(tmp_path_factory, **env_extra):
    """`streamlit run app.py` on a free port with its own history file (and any other
    environment given); yields (url, history path) once it answers, stops it afterwards."""
    port = _free_port()
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    history = tmp_path_factory.mktemp("history") / "history.sqlite3"
    env = dict(os.environ, STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
               POSECHECK_HISTORY=str(history), **env_extra)
    streamlit = Path(sys.executable).with_name("streamlit")
    with open(log, "wb") as fh:
        proc = subprocess.Popen(
            [str(streamlit), "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield url, history
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        print(log.read_text()[-3000:])


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from serving(tmp_path_factory)


def _driver(browser_paths, tmp_path, extra=()):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, chromedriver = browser_paths
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1400,1900",
                 "--autoplay-policy=no-user-gesture-required",
                 f"--user-data-dir={tmp_path / 'profile'}", *extra):
        opts.add_argument(flag)
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must never download
    return webdriver.Chrome(options=opts, service=Service(executable_path=chromedriver))


def _wait(fn, timeout: float, what: str, every: float = 0.5):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = fn()
            if last:
                return last
        except Exception as exc:  # noqa: BLE001 - the page is still rendering
            last = exc
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what} (last: {last!r})")


def _webrtc_frame(driver):
    return _wait(lambda: driver.find_element("css selector", "iframe[title*='streamlit_webrtc']"),
                 60, "the webrtc component")


def _page_button(driver, word: str):
    """The page's own button whose label starts with `word` (Start/Stop also show "Space")."""
    return _wait(lambda: next(b for b in driver.find_elements("css selector", "[data-testid=stButton] button")
                              if b.text.strip().lower().startswith(word.lower())), 30,
                 f"the {word} button")


def _press_start(driver) -> None:
    """Click the page's Start button (it drives the camera component, which shows none)."""
    _webrtc_frame(driver)
    _page_button(driver, "Start").click()


def _body(driver) -> str:
    return driver.find_element("tag name", "body").text


def _shot(driver, name: str) -> Path:
    OUT.mkdir(exist_ok=True)
    path = OUT / name
    driver.save_screenshot(str(path))
    return path


def test_review_flow_in_a_real_browser(browser_paths, server, data_dir, tmp_path):
    server, _ = server
    clip = data_dir / "videos" / CLIP
    driver = _driver(browser_paths, tmp_path)
    try:
        t0 = time.monotonic()
        driver.get(server)
        _wait(lambda: "Not a medical device" in _body(driver), 60, "the page")
        # Streamlit's developer chrome is not for a person exercising: no "Deploy" button
        _wait(lambda: driver.find_element("css selector", "[data-testid=stHeader]"), 30,
              "the page's header")
        assert not [b for b in driver.find_elements("tag name", "button") if b.text.strip() == "Deploy"]
        radio = _wait(lambda: driver.find_element(
            "xpath", "//div[@data-testid='stRadio']//label[contains(., 'Review a video')]"),
            30, "the section switch")
        radio.click()
        upload = _wait(lambda: driver.find_element("css selector", "input[type=file]"), 30,
                       "the uploader")
        _wait(lambda: "up to 200 MB" in _body(driver), 30, "the stated size cap")
        upload.send_keys(str(clip))

        def reps():
            for m in driver.find_elements("css selector", "[data-testid=stMetric]"):
                label = m.find_element("css selector", "[data-testid=stMetricLabel]").text
                if label.strip() == "Reps":
                    return m.find_element("css selector", "[data-testid=stMetricValue]").text
            return None

        shown = _wait(reps, 240, "the report")
        assert shown.strip() == "4", shown
        video_state = (
            "const v = document.querySelector('video'); if (!v) return 'no video';"
            "return JSON.stringify({src: v.currentSrc, ready: v.readyState, net: v.networkState,"
            " error: v.error && v.error.code, preload: v.preload, duration: v.duration,"
            " h264: v.canPlayType('video/mp4; codecs=\"avc1.42E01E\"')});")
        print(driver.execute_script(video_state))
        duration = _wait(lambda: driver.execute_script(
            "const v = document.querySelector('video');"
            "return v && v.readyState >= 1 && isFinite(v.duration) ? v.duration : 0;"),
            60, "the annotated video's metadata")
        assert duration > 10, duration  # the clip is 19.4 s
        # Streamlit streams the sections below the video in after it: wait for the chart too
        _wait(lambda: "angle over time" in _body(driver), 30, "the angle chart")
        driver.execute_script("document.querySelector('video').scrollIntoView()")
        time.sleep(1)
        _shot(driver, "review.png")
        print(f"review flow: {shown} reps, video {duration:.1f} s, {time.monotonic() - t0:.0f} s")
    finally:
        driver.quit()


def _write_y4m(src: Path, dst: Path, width: int = 320) -> float:
    """The clip as raw YUV4MPEG2 (what Chromium's fake camera plays, looping). Returns seconds."""
    import av

    with av.open(str(src)) as container:
        stream = container.streams.video[0]
        fps = stream.average_rate
        height = None
        frames = 0
        with open(dst, "wb") as fh:
            for frame in container.decode(stream):
                if height is None:
                    height = int(round(frame.height * width / frame.width / 2)) * 2
                    fh.write(f"YUV4MPEG2 W{width} H{height} F{fps.numerator}:{fps.denominator} "
                             "Ip A1:1 C420jpeg\n".encode())
                yuv = frame.reformat(width=width, height=height, format="yuv420p")
                fh.write(b"FRAME\n")
                fh.write(yuv.to_ndarray().tobytes())
                frames += 1
    return frames / float(fps)


# Stands in for the browser's speech synthesis (headless Chromium has no voices): records what
# is said and when, takes 60 ms a character to "say" it, and notes any overlap.
FAKE_SPEECH = """
(() => {
  const log = []; let speaking = null;
  const fake = {
    speak(u) {
      log.push({text: u.text, at: Date.now(), overlap: speaking !== null});
      speaking = u;
      setTimeout(() => { if (speaking === u) speaking = null; if (u.onend) u.onend(); },
                 200 + 60 * u.text.length);
    },
    cancel() { speaking = null; },
    getVoices() { return []; },
    get speaking() { return speaking !== null; },
  };
  Object.defineProperty(window, "speechSynthesis", {value: fake, configurable: true});
  window.__fakeSpeech = log;
})();
"""


def _set_number(driver, label: str, value: int) -> None:
    """Type a value into the Streamlit number input with this label (commits on Enter)."""
    from selenium.webdriver.common.keys import Keys

    box = _wait(lambda: next(el for el in driver.find_elements("css selector", "[data-testid=stNumberInput]")
                             if el.text.splitlines()[0].strip() == label), 30, f"the {label} input")
    field = box.find_element("css selector", "input[data-testid=stNumberInputField]")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(str(value), Keys.ENTER)
    _wait(lambda: field.get_attribute("value") == str(value), 10, f"{label} = {value}")


def _shown_said(driver) -> list[tuple[int, str]]:
    """The transcript the page shows, newest last: (seconds on the session clock, words)."""
    out = []
    for li in driver.find_elements("css selector", "ol.pc-said li"):
        clock, _, words = li.text.partition(" ")
        minutes, _, seconds = clock.partition(":")
        out.append((int(minutes) * 60 + int(seconds), words))
    return out


def test_live_session_runs_a_whole_set_hands_free(browser_paths, server, data_dir, tmp_path):
    """After Start nothing is clicked: the fake camera plays the good-morning clip (looping);
    the session counts a set of 5, rests 10 s, starts set 2 by itself, and the words are said
    one at a time in order. Closing the tab saves the session as abandoned, reps kept."""
    from posecheck.sinks.history_store import HistoryStore

    url, history = server
    y4m = tmp_path / "camera.y4m"
    seconds = _write_y4m(data_dir / "videos" / CLIP, y4m)
    driver = _driver(browser_paths, tmp_path, extra=(
        "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={y4m}"))
    closed = False
    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": FAKE_SPEECH})
        driver.get(url)
        _wait(lambda: "Not a medical device" in _body(driver), 60, "the page")
        _wait(lambda: driver.find_element("xpath", "//h3[contains(., 'Good morning')]"), 30,
              "the Good morning section")
        _set_number(driver, "Sets", 2)
        _set_number(driver, "Rest between sets (s)", 10)
        _wait(lambda: "Set 1 of 2" in _body(driver), 30, "the plan on the board")
        _press_start(driver)  # the last click: from here on the session runs itself
        t0 = time.monotonic()
        clicked_ms = driver.execute_script("return Date.now();")
        _wait(lambda: "camera off" not in _body(driver).lower(), 60, "the camera to start")

        shown: dict[str, int] = {}  # words -> when the page first showed them

        def second_set_counting():
            for at, words in _shown_said(driver):
                shown.setdefault(words, at)
            said = [w for _, w in _shown_said(driver)]
            return "Set 2 of 2." in said and "1" in said[said.index("Set 2 of 2."):]

        _wait(second_set_counting, 2 * seconds + 120, "set 1, the rest and the first rep of set 2")
        elapsed = time.monotonic() - t0
        _shot(driver, "live.png")
        spoken = driver.execute_script("return window.__fakeSpeech || [];")
        texts = [s["text"] for s in spoken]
        print("what the person heard (s after Start):")
        for s in spoken:
            print(f"  {(s['at'] - clicked_ms) / 1000:6.1f}  {s['text']}")
        ready = "Ready - start when you like."
        words = [w for w in texts if w in (ready, "Set 2 of 2.", "Rest. Next set in 10 seconds.")
                 or w.isdigit()]
        assert words[:9] == [ready, "1", "2", "3", "4", "5", "Rest. Next set in 10 seconds.",
                             "Set 2 of 2.", ready], texts
        assert not any(s["overlap"] for s in spoken), "two utterances overlapped"
        # the rest ended by itself, 10 s later on the session clock (the page shows whole
        # seconds; when the browser spoke depends on how fast the page caught up)
        assert 9 <= shown["Set 2 of 2."] - shown["Rest. Next set in 10 seconds."] <= 11, shown
        assert set(shown) <= set(texts), "everything shown was said"
        with HistoryStore(history) as store:
            (record,) = store.sessions()
        assert record.status == "in_progress"
        assert [(s.rep_count, s.completed) for s in record.sets] == [(5, True)]
        print(f"live session: set 1 + rest + set 2 started after {elapsed:.0f} s (clip {seconds:.1f} s)")
        driver.quit()
        closed = True
        t_closed = time.monotonic()

        def abandoned():
            with HistoryStore(history) as store:
                r = store.get(record.id)
            return r if r.status == "abandoned" else None

        record = _wait(abandoned, 90, "the closed tab's session to be saved as abandoned", every=1.0)
        print(f"tab closed -> abandoned after {time.monotonic() - t_closed:.0f} s; sets "
              f"{[(s.rep_count, s.completed) for s in record.sets]}")
        assert record.sets[0].rep_count == 5 and record.sets[1].rep_count >= 1
        assert not record.sets[1].completed
    finally:
        if not closed:
            driver.quit()
