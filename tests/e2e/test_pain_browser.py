"""Pain check-ins in the real browser (issue 16): headless Chromium, the good-morning clip as a
fake camera. Start asks how the back is, the end of the session asks again, both are saved and
the History charts them; a rating that rises by 2 during a session ends it with the safety
message. Screenshots go to test-output/ (gitignored).
"""

from __future__ import annotations

import time

import pytest

from .test_browser import (  # noqa: F401 - browser_paths is a fixture
    CLIP, FAKE_SPEECH, _body, _driver, _page_button, _set_number, _shot, _wait, _write_y4m,
    browser_paths, serving)
from .test_page_layout import LAPTOP, _laptop, _rect, _section

pytestmark = pytest.mark.e2e

QUESTION = "How is your back right now?"


@pytest.fixture(scope="module")
def pain_server(tmp_path_factory):
    yield from serving(tmp_path_factory)


def _camera_driver(browser_paths, data_dir, tmp_path):
    y4m = tmp_path / "camera.y4m"
    _write_y4m(data_dir / "videos" / CLIP, y4m)
    driver = _driver(browser_paths, tmp_path, extra=(
        "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={y4m}"))
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": FAKE_SPEECH})
    _laptop(driver)
    return driver


def _scale_button(driver, label: str):
    """The pain scale's button for this rating ("0".."10"), or its Skip/Back."""
    key = "pain_skip" if not label.isdigit() else f"pain_{label}"
    return _wait(lambda: driver.find_element("css selector", f".st-key-{key} button"), 60,
                 f"the pain scale's {label}")


def _tap(driver, label: str) -> None:
    """Click the scale's button, again if the page redrew it meanwhile (the camera starting
    reruns the page)."""
    from selenium.common.exceptions import StaleElementReferenceException

    def tapped():
        try:
            _scale_button(driver, label).click()
        except StaleElementReferenceException:
            return False
        return True

    _wait(tapped, 30, f"a tap on {label}")


def _counter(driver) -> str:
    return driver.find_element("css selector", ".pc-live .pc-big").text.strip()


def _open_with_sets(driver, url: str, sets: int) -> None:
    """The page, loaded, with a plan of `sets` sets on the board."""
    driver.get(url)
    _wait(lambda: "Not a medical device" in _body(driver), 60, "the page")
    _set_number(driver, "Sets", sets)
    _wait(lambda: f"Set 1 of {sets}" in _body(driver), 30, "the plan on the board")


def _newest(history):
    from posecheck.sinks.history_store import HistoryStore

    with HistoryStore(history) as store:
        records = store.sessions()
    return records[0] if records else None


def test_a_live_session_asks_pain_before_and_after_and_the_history_charts_them(
        browser_paths, pain_server, data_dir, tmp_path):
    url, history = pain_server
    driver = _camera_driver(browser_paths, data_dir, tmp_path)
    try:
        _open_with_sets(driver, url, 1)
        assert QUESTION not in _body(driver)  # nothing is asked before Start
        _page_button(driver, "Start").click()
        _wait(lambda: QUESTION in _body(driver), 30, "the question after Start")
        # every rating is one big tap, on screen at 1366x768 beside the video
        sizes = {n: _rect(driver, _scale_button(driver, str(n))) for n in range(11)}
        print("pain buttons (w x h px):", {n: (round(b["width"]), round(b["height"]))
                                           for n, b in sizes.items()})
        assert all(b["height"] >= 44 and b["width"] >= 44 for b in sizes.values()), sizes
        assert all(b["bottom"] <= LAPTOP[1] and b["right"] <= LAPTOP[0] for b in sizes.values())
        panel = _rect(driver, driver.find_element("css selector", ".st-key-pc_pain"))
        print(f"the question's panel: {panel['width']:.0f} x {panel['height']:.0f} px")
        _shot(driver, "pain-before.png")
        _tap(driver, "3")
        _wait(lambda: QUESTION not in _body(driver), 30, "the question to go once answered")
        _wait(lambda: _page_button(driver, "It hurts"), 30, "It hurts beside Stop")

        _wait(lambda: "All sets done" in _body(driver), 240, "the set of 5 to be done")
        _wait(lambda: QUESTION in _body(driver), 30, "the question after the session")
        _shot(driver, "pain-after.png")
        _tap(driver, "2")
        _wait(lambda: QUESTION not in _body(driver), 30, "the after question to go")
        record = _wait(lambda: (r := _newest(history)) and r.pain_after is not None and r, 30,
                       "the after rating to be saved")
        assert (record.pain_before, record.pain_after, record.total_reps) == (3, 2, 5)
        assert not record.stopped_for_pain and "stop here" not in _body(driver)
        _page_button(driver, "Stop").click()

        _section(driver, "History")

        def chart_text():
            return [t.text.strip() for t in driver.find_elements(
                "css selector", ".st-key-pc_pain_chart svg text")]

        texts = _wait(lambda: (t := chart_text()) and "Pain before and after (0-10)" in t and t,
                      60, "the pain chart")
        assert "before" in texts and "after" in texts, texts  # the legend
        # the 0-10 axis is drawn to its height (a lone chart once came out 0 px high: its
        # texts were all there, the plot a flat line)
        ticks = dict(driver.execute_script(
            "return [...document.querySelectorAll('.st-key-pc_pain_chart svg text')]"
            ".filter(t => ['0', '10'].includes(t.textContent.trim()))"
            ".map(t => [t.textContent.trim(), t.getBoundingClientRect().top]);"))
        assert ticks.get("0", 0) - ticks.get("10", 0) >= 150, ticks
        # Vega labels each point for screen readers: the two ratings are drawn
        points = driver.execute_script(
            "return [...document.querySelectorAll('.st-key-pc_pain_chart svg [aria-label]')]"
            ".map(e => e.getAttribute('aria-label'));")
        print("pain chart points:", points)
        before = [p for p in points if "moment: before" in p]
        after = [p for p in points if "moment: after" in p]
        assert before and all("pain: 3" in p for p in before), points
        assert after and all("pain: 2" in p for p in after), points
        headers = _wait(lambda: driver.execute_script(
            "return [...document.querySelectorAll('[data-testid=stDataFrame]"
            " [role=columnheader], [data-testid=stDataFrame] th')]"
            ".map(c => c.textContent.trim());"), 30, "the table's headers")
        assert "Pain before" in headers and "Pain after" in headers, headers
        chart = driver.find_element("css selector", ".st-key-pc_pain_chart")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", chart)
        time.sleep(3)  # Vega draws the chart again once it is scrolled into view
        _shot(driver, "pain-history.png")
    finally:
        driver.quit()


def test_a_rating_that_rises_by_two_ends_the_session_with_the_safety_message(
        browser_paths, pain_server, data_dir, tmp_path):
    url, history = pain_server
    driver = _camera_driver(browser_paths, data_dir, tmp_path)
    try:
        _open_with_sets(driver, url, 2)
        _page_button(driver, "Start").click()
        _tap(driver, "2")
        _wait(lambda: _counter(driver) in ("Rep 1 / 5", "Rep 2 / 5"), 180, "the first rep")
        hurts = _page_button(driver, "It hurts")
        box = _rect(driver, hurts)
        assert box["height"] >= 44 and box["bottom"] <= LAPTOP[1], box
        hurts.click()
        _wait(lambda: "How much does it hurt now?" in _body(driver), 30, "the rating question")
        _tap(driver, "4")
        _wait(lambda: "Let's stop here" in _body(driver), 30, "the safety stop")
        page = _body(driver)
        assert "Your pain went from 2 to 4" in page and "physiotherapist or doctor" in page
        assert "rest" in page
        # nothing is left to stop: "It hurts" goes (not left on screen, faded)
        _wait(lambda: "It hurts" not in _body(driver), 10, "It hurts to go")
        _shot(driver, "pain-safety-stop.png")
        record = _wait(lambda: (r := _newest(history)) and r.stopped_for_pain and r, 30,
                       "the stop to be saved")
        assert (record.pain_before, record.pain_during, record.pain_after) == (2, (4,), 4)
        assert record.status == "abandoned"
        reps = record.total_reps
        # the camera goes on, but the session counts no more and asks nothing else
        time.sleep(8)
        assert "Let's stop here" in _body(driver) and "How is your back" not in _body(driver)
        assert _newest(history).total_reps == reps
        spoken = [s["text"] for s in driver.execute_script("return window.__fakeSpeech || [];")]
        assert any("from 2 to 4" in s for s in spoken), spoken  # said, for someone on the floor
        print(f"safety stop after {reps} reps; said: {[s for s in spoken if 'pain' in s]}")
    finally:
        driver.quit()
