"""Saying the session's announcements in the browser: speech synthesis, or a short beep.

The page renders `player_html` with st.iframe whenever new announcements arrive. That lives
in a srcdoc iframe (same origin as the page) which Streamlit re-creates on reruns, and Chrome only
lets a page speak after the person has clicked in it (the Start button activates the top
page, not a sibling iframe). So the iframe installs one small player on the top window (same
origin) and hands it the announcements; the player lives as long as the page does and:

- says each announcement id once (ids carry the session id, so a rerun never repeats one and
  a new session never collides with an old one);
- says one thing at a time, the rest wait in order; what has waited longer than STALE_S is
  dropped (a rep number said five seconds late is wrong, not late);
- is silent when muted (the transcript on the page still shows everything);
- beeps instead when the browser cannot speak (no speechSynthesis, or it fails);
- keeps a log on the top window (`__posecheckSpeech.log`) of what it said and when.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence

from ..engine.session import Announcement

STALE_S = 5.0

# Runs once in the top window (installed by the iframe as a <script>, so it belongs to the top
# window and survives the iframe).
_PLAYER_JS = r"""
(function () {
  if (window.__posecheckSpeech) return;
  const STALE_S = %(stale)s;
  const seen = new Set();
  const queue = [];
  const log = [];
  let muted = false, current = null, audio = null;

  function now() { return performance.now() / 1000; }

  function beep() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      const osc = audio.createOscillator(), gain = audio.createGain();
      osc.frequency.value = 880; gain.gain.value = 0.15;
      osc.connect(gain); gain.connect(audio.destination);
      osc.start(); osc.stop(audio.currentTime + 0.15);
    } catch (e) { /* no audio either: the transcript still shows it */ }
  }

  function finish(item, how) {
    if (current !== item) return;  // a late onend after the timeout already moved on
    item.how = how; item.end = Date.now();
    current = null;
    next();
  }

  function next() {
    if (current || muted) return;
    let item;
    while ((item = queue.shift())) {
      if (now() - item.born <= STALE_S) break;
      log.push({id: item.id, text: item.text, at: Date.now(), how: "stale"});
    }
    if (!item) return;
    current = item;
    const entry = {id: item.id, kind: item.kind, text: item.text, at: Date.now(), how: "said"};
    log.push(entry);
    // never wait for ever: some browsers never call onend (no voices, headless)
    setTimeout(() => finish(item, "timeout"), 1500 + 90 * item.text.length);
    const synth = window.speechSynthesis;
    if (!synth || typeof SpeechSynthesisUtterance === "undefined") {
      entry.how = "beep"; beep();
      setTimeout(() => finish(item, "beep"), 400);
      return;
    }
    const u = new SpeechSynthesisUtterance(item.text);
    u.rate = 1.05;
    u.onend = () => finish(item, "end");
    u.onerror = () => { entry.how = "beep"; beep(); finish(item, "error"); };
    synth.speak(u);
  }

  window.__posecheckSpeech = {
    log: log,
    offer: function (json) {
      const d = JSON.parse(json);
      const wasMuted = muted;
      muted = !!d.muted;
      if (muted && !wasMuted) {
        queue.length = 0;
        if (window.speechSynthesis) window.speechSynthesis.cancel();
      }
      for (const a of d.items) {
        if (seen.has(a.id)) continue;
        seen.add(a.id);
        const age = Math.max(0, d.now - a.t);
        if (muted || age > STALE_S) {
          log.push({id: a.id, text: a.text, at: Date.now(), how: muted ? "muted" : "stale"});
          continue;
        }
        queue.push({id: a.id, kind: a.kind, text: a.text, born: now() - age});
      }
      next();
    },
  };
})();
"""

_IFRAME = """<script type="application/json" id="pc-said">%(data)s</script>
<script>
(function () {
  let top;
  try { top = window.parent; top.document; } catch (e) { return; }  // not same-origin: silent
  if (!top.__posecheckSpeech) {
    const s = top.document.createElement("script");
    s.textContent = %(player)s;
    top.document.head.appendChild(s);
  }
  top.__posecheckSpeech.offer(document.getElementById("pc-said").textContent);
})();
</script>
"""


def payload(said: Sequence[Announcement], session_id: str, now: float, muted: bool) -> dict:
    """What the player is given: ids unique across sessions, times on the session clock."""
    return {"muted": bool(muted), "now": round(now, 3),
            "items": [{"id": f"{session_id}:{a.key}", "kind": a.kind, "text": a.text,
                       "t": round(a.t, 3)} for a in said]}


def player_html(said: Sequence[Announcement], session_id: str, now: float, muted: bool) -> str:
    data = json.dumps(payload(said, session_id, now, muted))
    # inside <script type=application/json> only "</" could end the element early
    data = data.replace("</", "<\\/")
    player = json.dumps(_PLAYER_JS % {"stale": STALE_S})
    return _IFRAME % {"data": data, "player": player.replace("</", "<\\/")}


def transcript_html(said: Sequence[Announcement], last: int = 8) -> str:
    """The latest announcements with their times, for people who cannot hear them (and tests)."""
    rows = "".join(f'<li><span class="pc-said-t">{_clock(a.t)}</span> {html.escape(a.text)}</li>'
                   for a in list(said)[-last:])
    return f'<ol class="pc-said" aria-label="What was said">{rows}</ol>' if rows else ""


def _clock(t: float) -> str:
    s = max(0, int(t))
    return f"{s // 60}:{s % 60:02d}"
