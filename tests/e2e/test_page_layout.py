"""The page as a person sees it on a laptop: at 1366x768 the Start/Stop button, the video and
the rep counter are on screen without scrolling, before and during a session; the words fit
the moment; the lumbar extension never says "stand"; History's chart and table give the same
times. Screenshots of each state go to test-output/ (gitignored).

Same server and browser as test_browser.py: headless Chromium, Debian's chromedriver, the
good-morning clip as a fake camera.
"""

from __future__ import annotations

import re
import time

import pytest

from .test_browser import (  # noqa: F401 - browser_paths and server are fixtures
    CLIP, FAKE_SPEECH, _body, _driver, _page_button, _set_number, _shot, _wait, _webrtc_frame,
    _write_y4m, browser_paths, server)

pytestmark = pytest.mark.e2e

LAPTOP = (1366, 768)


def _laptop(driver, size=LAPTOP) -> None:
    """The viewport of a 1366x768 laptop screen (the page's own area, as a person sees it)."""
    w, h = size
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": w, "height": h, "deviceScaleFactor": 1, "mobile": False})


def _rect(driver, element) -> dict:
    return driver.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "return {left: r.left, top: r.top, right: r.right, bottom: r.bottom,"
        " width: r.width, height: r.height};", element)


def _on_screen(box: dict, size=LAPTOP) -> bool:
    return (box["width"] > 0 and box["height"] > 0 and box["left"] >= 0 and box["top"] >= 0
            and box["right"] <= size[0] + 0.5 and box["bottom"] <= size[1] + 0.5)


def _video_box(driver) -> dict:
    """The live video's box on the page: the camera component's frame, and the video inside
    it once it plays."""
    frame = _webrtc_frame(driver)
    outer = _rect(driver, frame)
    driver.switch_to.frame(frame)
    try:
        videos = driver.find_elements("tag name", "video")
        inner = _rect(driver, videos[0]) if videos else None
    finally:
        driver.switch_to.default_content()
    if inner is None or inner["height"] == 0:
        return outer
    return {"left": outer["left"] + inner["left"], "top": outer["top"] + inner["top"],
            "right": outer["left"] + inner["right"], "bottom": outer["top"] + inner["bottom"],
            "width": inner["width"], "height": inner["height"]}


def _counter(driver):
    return driver.find_element("css selector", ".pc-live .pc-big")


def _assert_session_controls_on_screen(driver, button: str, size=LAPTOP) -> None:
    boxes = {"the %s button" % button: _rect(driver, _page_button(driver, button)),
             "the video": _video_box(driver), "the rep counter": _rect(driver, _counter(driver))}
    print({k: {n: round(v) for n, v in b.items()} for k, b in boxes.items()})
    for what, box in boxes.items():
        assert _on_screen(box, size), f"{what} is not inside the {size} screen: {box}"


def test_a_full_hd_screen_shows_start_video_and_counter_too(browser_paths, server, tmp_path):
    full_hd = (1920, 1080)
    driver = _driver(browser_paths, tmp_path)
    try:
        _laptop(driver, full_hd)
        driver.get(server[0])
        _wait(lambda: "Not a medical device" in _body(driver), 60, "the page")
        _wait(lambda: _counter(driver).text.strip() == "Rep 0 / 5", 30, "the board")
        _assert_session_controls_on_screen(driver, "Start", full_hd)
    finally:
        driver.quit()


def test_live_fits_a_laptop_screen_before_and_during_a_session(browser_paths, server, data_dir,
                                                               tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    url, _ = server
    y4m = tmp_path / "camera.y4m"
    _write_y4m(data_dir / "videos" / CLIP, y4m)
    driver = _driver(browser_paths, tmp_path, extra=(
        "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={y4m}"))
    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": FAKE_SPEECH})
        _laptop(driver)
        driver.get(url)
        _wait(lambda: "Not a medical device" in _body(driver), 60, "the page")
        _set_number(driver, "Sets", 2)
        _set_number(driver, "Rest between sets (s)", 10)
        _wait(lambda: "Set 1 of 2" in _body(driver), 30, "the plan on the board")
        assert driver.execute_script("return [innerWidth, innerHeight]") == list(LAPTOP)
        _assert_session_controls_on_screen(driver, "Start")
        assert "How to do it" in _body(driver)  # the steps are open before a session
        _shot(driver, "live-ready.png")

        # the space bar starts (nobody on the floor reaches the mouse); not typed into a field
        driver.execute_script("document.activeElement && document.activeElement.blur()")
        ActionChains(driver).send_keys(Keys.SPACE).perform()
        _wait(lambda: _counter(driver).text.strip() == "Rep 2 / 5", 120, "rep 2 of set 1")
        _assert_session_controls_on_screen(driver, "Stop")
        page = _body(driver)
        assert "If the browser blocked" not in page and "camera is off" not in page
        assert "folded while you exercise" in page  # the steps folded away
        # Streamlit's own running indicator and its "Stop" link are not on show beside ours
        assert not [h for h in driver.find_elements("css selector", "[data-testid=stHeader]")
                    if "Stop" in h.text]
        _shot(driver, "live-mid-set.png")

        _wait(lambda: _counter(driver).text.strip().startswith("Rest"), 120, "the rest")
        _assert_session_controls_on_screen(driver, "Stop")
        assert "Done so far: 5 reps" in _body(driver)
        _shot(driver, "live-rest.png")

        _page_button(driver, "Stop").click()
        _wait(lambda: "Session ended" in _body(driver), 30, "the session's summary")
        _wait(lambda: "You stopped the session" in _body(driver), 30, "the stop's message")
        page = _body(driver)
        # a deliberate Stop is said as such, not as a blocked camera
        assert "You stopped the session" in page and "If the browser blocked" not in page
        table = driver.find_element("css selector", ".pc-summary")
        column = driver.find_element("css selector", ".pc-live")
        assert _rect(driver, table)["right"] <= _rect(driver, column)["right"] + 0.5
        assert "Side" not in table.text  # good morning has no sides
        assert _on_screen(_rect(driver, table))
        _shot(driver, "live-summary.png")
    finally:
        driver.quit()


def _section(driver, name: str) -> None:
    _wait(lambda: driver.find_element(
        "xpath", f"//div[@data-testid='stRadio']//label[contains(., '{name}')]"), 30,
        f"the section {name}").click()


def _choose_exercise(driver, name: str):
    """Click the exercise in the sidebar's list; returns its label."""
    label = _wait(lambda: next(o for o in driver.find_elements(
        "css selector", "[data-testid=stSidebar] [data-testid=stRadioOption]")
        if o.text.strip().splitlines()[0] == name), 30, f"the option {name}")  # under it: its group
    label.click()
    _wait(lambda: driver.find_element("xpath", f"//h3[contains(., '{name}')]"), 30,
          f"the {name} page")
    return label


def test_the_lumbar_extension_page_never_says_stand_and_its_name_fits(browser_paths, server,
                                                                       tmp_path):
    url, _ = server
    driver = _driver(browser_paths, tmp_path)
    try:
        _laptop(driver)
        driver.get(url)
        _wait(lambda: "Not a medical device" in _body(driver), 60, "the page")
        name = "Lumbar extension without hyperextension"
        option = _choose_exercise(driver, name)
        _wait(lambda: "Lie face down" in _body(driver), 30, "the steps")
        for section in ("Live", "Review a video"):
            _section(driver, section)
            time.sleep(2)
            page = _body(driver)
            assert not re.search(r"\bstand", page, re.IGNORECASE), (section, page)
        # the picker shows the whole name: nothing inside it is cut off, all in the sidebar
        clipped = driver.execute_script(
            "return [...arguments[0].querySelectorAll('*')].filter(e => e.scrollWidth >"
            " e.clientWidth + 1 && e.textContent.includes(arguments[1]))"
            ".map(e => e.outerHTML.slice(0, 80));", option, name)
        assert clipped == [], clipped
        sidebar = _rect(driver, driver.find_element("css selector", "[data-testid=stSidebar]"))
        assert _rect(driver, option)["right"] <= sidebar["right"]
        _shot(driver, "lumbar-extension.png")
    finally:
        driver.quit()


def test_review_shows_the_count_and_video_on_a_laptop_screen(browser_paths, server, data_dir,
                                                             tmp_path):
    url, _ = server
    driver = _driver(browser_paths, tmp_path)
    try:
        _laptop(driver)
        driver.get(url)
        _wait(lambda: "Not a medical device" in _body(driver), 60, "the page")
        _section(driver, "Review a video")
        upload = _wait(lambda: driver.find_element("css selector", "input[type=file]"), 30, "the uploader")
        upload.send_keys(str(data_dir / "videos" / CLIP))
        metric = _wait(lambda: next(m for m in driver.find_elements("css selector", "[data-testid=stMetric]")
                                    if m.text.splitlines()[0].strip() == "Reps"), 240, "the count")
        assert metric.text.splitlines()[-1].strip() == "4"
        _wait(lambda: driver.execute_script(
            "const v = document.querySelector('video'); return v && v.readyState >= 1;"), 60,
            "the annotated video")
        _wait(lambda: "over time" in _body(driver), 30, "the chart")
        driver.execute_script("document.querySelector('[data-testid=stFileUploader]').scrollIntoView()")
        time.sleep(1)
        # after the uploader, the count and the video are the first thing on screen
        video = driver.find_element("tag name", "video")
        assert _rect(driver, video)["top"] < LAPTOP[1] and _rect(driver, metric)["bottom"] <= LAPTOP[1]
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", video)
        time.sleep(1)
        assert _on_screen(_rect(driver, video)), _rect(driver, video)
        assert _on_screen(_rect(driver, metric)), _rect(driver, metric)
        _shot(driver, "review-1366.png")
        chart = driver.find_element("xpath", "//*[contains(text(), 'over time')]")
        driver.execute_script("arguments[0].scrollIntoView()", chart)
        time.sleep(1)
        _shot(driver, "review-details.png")
        page = _body(driver)
        assert page.count("\nReps\n") <= 1  # "Reps" is the count's label only
    finally:
        driver.quit()


def test_history_chart_and_table_show_the_same_clock_times(browser_paths, server, tmp_path):
    from test_history import make_session, make_set, record_live

    from posecheck.sinks.history_store import HistoryStore
    from posecheck.web import history_page

    url, history = server
    with HistoryStore(history) as store:
        for n, when in ((1, "2026-03-02T22:38:10+00:00"), (2, "2026-03-02T22:40:30+00:00")):
            rec = make_session(100 + n, sets=[make_set(1, 5 + n)])
            rec.started_at = when
            record_live(store, rec)
        expected = {history_page.date_text(r) for r in store.sessions()}
    driver = _driver(browser_paths, tmp_path)
    try:
        _laptop(driver)
        driver.get(url)
        _wait(lambda: "Not a medical device" in _body(driver), 60, "the page")
        _section(driver, "History")
        stamp = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d")

        def chart_times():
            texts = [t.text.strip() for t in driver.find_elements(
                "css selector", "[data-testid=stVegaLiteChart] svg text")]
            return {t for t in texts if stamp.match(t)}

        shown = _wait(chart_times, 60, "the chart's time labels")
        assert shown == expected, (shown, expected)
        table = _wait(lambda: driver.execute_script(
            "return [...document.querySelectorAll('[data-testid=stDataFrame] [role=gridcell],"
            " [data-testid=stDataFrame] td')].map(c => c.textContent.trim());"), 30,
            "the table's cells")
        assert {t for t in table if stamp.match(t)} == expected, table
        _shot(driver, "history.png")
    finally:
        driver.quit()
