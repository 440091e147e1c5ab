"""A camera the browser refuses: the page says how to allow it, nothing breaks, nothing is saved.

Same server and browser as test_browser.py (headless Chromium, Debian's chromedriver); the
camera permission is denied through the DevTools protocol, as a person clicking "Block" would.
"""

from __future__ import annotations

import pytest

from .test_browser import (  # noqa: F401 - browser_paths and server are fixtures
    _body, _driver, _press_start, _shot, _wait, _webrtc_frame, browser_paths, server)

pytestmark = pytest.mark.e2e


def test_a_denied_camera_is_explained_and_nothing_breaks(browser_paths, server, tmp_path):
    from posecheck.sinks.history_store import HistoryStore

    url, history = server
    driver = _driver(browser_paths, tmp_path, extra=("--use-fake-device-for-media-stream",))
    try:
        driver.execute_cdp_cmd("Browser.setPermission", {
            "origin": url, "permission": {"name": "camera"}, "setting": "denied"})
        driver.get(url)
        _wait(lambda: "Not a medical device" in _body(driver), 60, "the page")
        _press_start(driver)
        # the component reports the refusal in its own frame; our page stays as it was
        driver.switch_to.frame(_webrtc_frame(driver))
        refused = _wait(lambda: next((t for t in [_body(driver)]
                                      if "NotAllowedError" in t or "ermission" in t), None),
                        30, "the component to report the refusal")
        driver.switch_to.default_content()
        page = _body(driver)
        _shot(driver, "camera-denied.png")
        print(f"component says: {refused!r}")
        assert "If the browser blocked the camera, allow it" in page
        assert "Press Start" not in page  # the button says Stop now; the board waits
        assert "Traceback" not in page and not driver.find_elements(
            "css selector", "[data-testid=stException]")
        with HistoryStore(history) as store:
            assert store.sessions() == [], "no session starts without a camera"
    finally:
        driver.quit()
