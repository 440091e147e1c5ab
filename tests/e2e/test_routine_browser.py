"""A routine in the real browser: after Start, with no other click, a routine of two
exercises runs from the first to its summary. The fake camera plays the good-morning clip,
so the routine (a test folder given by POSECHECK_ROUTINES) is a good morning then a hip hinge,
1 set x 2 reps each: the same clip satisfies both."""

from __future__ import annotations

import time

import pytest

from .test_browser import (  # noqa: F401 - browser_paths is a fixture
    CLIP, FAKE_SPEECH, _body, _driver, _press_start, _shot, _wait, _write_y4m, browser_paths,
    serving)

pytestmark = pytest.mark.e2e

ROUTINE = """
id = "two_hinges"
name = "Two hinges"
summary = "A good morning, then a hip hinge."
between_s = 3

[[steps]]
exercise = "good_morning"
sets = 1
reps = 2

[[steps]]
exercise = "hip_hinge"
sets = 1
reps = 2
"""


@pytest.fixture(scope="module")
def routine_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("routines")
    (folder / "two_hinges.toml").write_text(ROUTINE)
    yield from serving(tmp_path_factory, POSECHECK_ROUTINES=str(folder))


def test_a_routine_of_two_exercises_runs_from_start_to_its_summary(browser_paths, routine_server,
                                                                   data_dir, tmp_path):
    from posecheck.sinks.history_store import HistoryStore

    url, history = routine_server
    y4m = tmp_path / "camera.y4m"
    seconds = _write_y4m(data_dir / "videos" / CLIP, y4m)
    driver = _driver(browser_paths, tmp_path, extra=(
        "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={y4m}"))
    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": FAKE_SPEECH})
        driver.get(url)
        _wait(lambda: "Not a medical device" in _body(driver), 60, "the page")
        _wait(lambda: driver.find_element(
            "xpath", "//div[@data-testid='stRadio']//label[contains(., 'Routines')]"), 30,
            "the routines switch").click()
        _wait(lambda: driver.find_element("xpath", "//h3[contains(., 'Two hinges')]"), 30,
              "the routine's section")
        _wait(lambda: "Two hinges · exercise 1 of 2: Good morning" in _body(driver), 30,
              "the routine on the board")
        _press_start(driver)  # the only click: from here on the routine runs itself
        t0 = time.monotonic()
        _wait(lambda: "Routine done: Two hinges" in _body(driver), 3 * seconds + 180,
              "the routine's summary")
        elapsed = time.monotonic() - t0
        _shot(driver, "routine-done.png")
        body = _body(driver)
        assert "Good morning" in body and "Hip hinge" in body and "4 reps" in body, body
        done_words = "Two hinges done: 4 reps in 2 exercises. Well done."

        def heard():
            said = [s["text"] for s in driver.execute_script("return window.__fakeSpeech || [];")]
            return said if done_words in said else None

        spoken = _wait(heard, 30, "the routine's last words to be said")
        print("what the person heard:", spoken)
        said = [w for w in spoken if w.startswith(("Next:", "Two hinges")) or w.isdigit()]
        assert said == ["Two hinges: 2 exercises. The session moves on by itself. "
                        "Next: Good morning. Turn sideways to the camera.", "1", "2",
                        "Next: Hip hinge. Turn sideways to the camera.", "1", "2",
                        done_words], spoken
        with HistoryStore(history) as store:
            records = store.sessions()
        assert sorted((r.exercise_id, r.status, r.total_reps) for r in records) == [
            ("good_morning", "finished", 2), ("hip_hinge", "finished", 2)]
        assert {r.routine_id for r in records} == {"two_hinges"}
        assert len({r.routine_run for r in records}) == 1
        print(f"routine of two exercises: Start to summary in {elapsed:.0f} s (clip {seconds:.1f} s)")
    finally:
        driver.quit()
