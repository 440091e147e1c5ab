"""The page's speech player in headless Chromium, on its own (no Streamlit): the breath pace's
words are said only into silence, dropped (never queued) when anything else is said or waits,
and cut short for anything that comes. Speech synthesis is the recording fake of test_browser."""

from __future__ import annotations

import json

from posecheck.engine.session import Announcement
from posecheck.web import speech

from .test_browser import FAKE_SPEECH, _driver, _wait, browser_paths  # noqa: F401 - a fixture

BREATHE_IN = "Breathe in - lift your hips"
BREATHE_OUT = "Breathe out - lower slowly"


def _offer(driver, items: list[Announcement], now: float, muted: bool = False) -> None:
    data = json.dumps(speech.payload(items, "s1", now, muted))
    driver.execute_script("window.__posecheckSpeech.offer(arguments[0]);", data)


def _log(driver) -> list[dict]:
    return driver.execute_script("return window.__posecheckSpeech.log;")


def _spoken(driver) -> list[dict]:
    return driver.execute_script("return window.__fakeSpeech;")


def _quiet(driver) -> bool:
    """Nothing being said or waiting (the fake says a word in 200 ms + 60 ms a character)."""
    return not driver.execute_script("return window.speechSynthesis.speaking;")


def test_breath_words_give_way_to_cues_and_counts(browser_paths, tmp_path):
    page = tmp_path / "player.html"
    page.write_text("<!doctype html><html><body>" + speech.player_html([], "s1", 0.0, False)
                    + "</body></html>")
    driver = _driver(browser_paths, tmp_path)
    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": FAKE_SPEECH})
        driver.get(page.as_uri())
        _wait(lambda: driver.execute_script("return !!window.__posecheckSpeech;"), 10, "the player")

        # a breath word that comes while a cue is said is dropped, and not said after it either
        cue = Announcement("c1", "cue", "Keep your hips level.", 1.0)
        _offer(driver, [cue], 1.0)
        _offer(driver, [cue, Announcement("b1", "breathe_in", BREATHE_IN, 1.2)], 1.2)
        _wait(lambda: _quiet(driver) and len(_log(driver)) >= 2, 10, "the cue to be said")
        assert [(e["text"], e["how"]) for e in _log(driver)] == [
            ("Keep your hips level.", "said"), (BREATHE_IN, "dropped")]
        assert [s["text"] for s in _spoken(driver)] == ["Keep your hips level."]

        # into silence a breath word is said; a count that comes meanwhile cuts it short and
        # is said at once, never over it
        _offer(driver, [Announcement("b2", "breathe_out", BREATHE_OUT, 5.0)], 5.0)
        _wait(lambda: len(_spoken(driver)) == 2, 5, "the breath word to be said")
        _offer(driver, [Announcement("r1", "rep", "2", 5.3)], 5.3)
        _wait(lambda: len(_spoken(driver)) == 3, 5, "the count to be said")
        spoken = _spoken(driver)
        assert [s["text"] for s in spoken] == ["Keep your hips level.", BREATHE_OUT, "2"]
        assert not any(s["overlap"] for s in spoken)
        how = {e["text"]: e["how"] for e in _log(driver)}
        assert how[BREATHE_OUT] == "cut"

        # a breath word and a cue offered together: the cue alone is said
        _wait(lambda: _quiet(driver), 5, "quiet")
        _offer(driver, [Announcement("b3", "breathe_in", BREATHE_IN, 9.0),
                        Announcement("c2", "cue", "Slower.", 9.0)], 9.0)
        _wait(lambda: len(_spoken(driver)) == 4, 5, "the cue to be said")
        assert _spoken(driver)[-1]["text"] == "Slower."
        assert [e["how"] for e in _log(driver) if e["id"] == "s1:b3"] == ["dropped"]

        # muted, nothing is said, breath words included
        _wait(lambda: _quiet(driver), 5, "quiet")
        _offer(driver, [Announcement("b4", "breathe_out", BREATHE_OUT, 12.0)], 12.0, muted=True)
        assert [e["how"] for e in _log(driver) if e["id"] == "s1:b4"] == ["muted"]
        assert len(_spoken(driver)) == 4

        # a browser that cannot speak beeps for a cue, but not for each breath
        driver.execute_script('Object.defineProperty(window, "speechSynthesis", '
                              '{value: undefined, configurable: true});')
        _offer(driver, [Announcement("b5", "breathe_in", BREATHE_IN, 15.0)], 15.0)
        _offer(driver, [Announcement("c3", "cue", "Slower.", 15.5)], 15.5)
        how = {e["id"]: e["how"] for e in _log(driver)}
        assert (how["s1:b5"], how["s1:c3"]) == ("no voice", "beep")
    finally:
        driver.quit()
