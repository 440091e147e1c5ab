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
- says the breath pace's words (BREATH_KINDS) only into silence: one that comes while something
  is said or waits is dropped, never queued behind it, and anything else that comes cuts a
  breath word short (a cue or a count matters more; the board shows the pace anyway);
- is silent when muted (the transcript on the page still shows everything but the breath words,
  which the board shows with the pace);
- beeps instead when the browser cannot speak (no speechSynthesis, or it fails), except for
  the breath words (a beep every 3 s would only be noise);
- keeps a log on the top window (`__posecheckSpeech.log`) of what it said and when.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence

from ..engine.session import BREATH_KINDS, Announcement

STALE_S = 5.0

# Runs once in the top window (installed by the iframe as a <script>, so it belongs to the top
# window and survives the iframe).
_PLAYER_JS = r"""
(function () {
  if (window.__posecheckSpeech) return;
  const STALE_S = %(stale)s;
  const BREATH = new Set(%(breath)s);
  const seen = new Set();
  const queue = [];
  const log = [];
  let muted = false, current = null, audio = null, cutting = false;

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
    if (current || muted || cutting) return;
    let item;
    while ((item = queue.shift())) {
      if (now() - item.born <= STALE_S) break;
      log.push({id: item.id, text: item.text, at: Date.now(), how: "stale"});
    }
    if (!item) return;
    const synth = window.speechSynthesis;
    const canSpeak = synth && typeof SpeechSynthesisUtterance !== "undefined";
    if (!canSpeak && BREATH.has(item.kind)) {  // a beep every 3 s would only be noise
      log.push({id: item.id, kind: item.kind, text: item.text, at: Date.now(), how: "no voice"});
      next();
      return;
    }
    current = item;
    const entry = item.entry = {id: item.id, kind: item.kind, text: item.text, at: Date.now(), how: "said"};
    log.push(entry);
    // never wait for ever: some browsers never call onend (no voices, headless)
    setTimeout(() => finish(item, "timeout"), 1500 + 90 * item.text.length);
    if (!canSpeak) {
      entry.how = "beep"; beep();
      setTimeout(() => finish(item, "beep"), 400);
      return;
    }
    const u = new SpeechSynthesisUtterance(item.text);
    u.rate = 1.05;
    u.onend = () => finish(item, "end");
    u.onerror = () => {
      if (current !== item) return;  // cut short: the cancel's own error event
      if (BREATH.has(item.kind)) { entry.how = "error"; finish(item, "error"); return; }
      entry.how = "beep"; beep(); finish(item, "error");
    };
    synth.speak(u);
  }

  function drop(item) {
    log.push({id: item.id, kind: item.kind, text: item.text, at: Date.now(), how: "dropped"});
  }

  function makeRoom() {  // something that matters more has come: breath words give way
    for (let i = queue.length - 1; i >= 0; i--) {
      if (BREATH.has(queue[i].kind)) drop(queue.splice(i, 1)[0]);
    }
    if (current && BREATH.has(current.kind)) {
      const cut = current;
      cut.entry.how = "cut";
      current = null;
      if (window.speechSynthesis) window.speechSynthesis.cancel();
      // Chrome is reported to drop a speak() called straight after cancel(); a 50 ms gap is
      // the known way round it (not measurable here: headless Chromium has no voices)
      cutting = true;
      setTimeout(() => { cutting = false; next(); }, 80);
    }
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
        const item = {id: a.id, kind: a.kind, text: a.text, born: now() - age};
        if (!BREATH.has(a.kind)) {
          makeRoom();
        } else if (current || queue.length || cutting) {
          drop(item);
          continue;
        }
        queue.push(item);
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
    player = json.dumps(_PLAYER_JS % {"stale": STALE_S, "breath": json.dumps(list(BREATH_KINDS))})
    return _IFRAME % {"data": data, "player": player.replace("</", "<\\/")}


def transcript_html(said: Sequence[Announcement], last: int = 8) -> str:
    """The latest announcements with their times, for people who cannot hear them (and tests).
    The breath words are left out: the board shows them with the pace, and one every 3 s
    would push everything else off the list."""
    words = [a for a in said if a.kind not in BREATH_KINDS]
    rows = "".join(f'<li><span class="pc-said-t">{_clock(a.t)}</span> {html.escape(a.text)}</li>'
                   for a in words[-last:])
    return f'<ol class="pc-said" aria-label="What was said">{rows}</ol>' if rows else ""


def _clock(t: float) -> str:
    s = max(0, int(t))
    return f"{s // 60}:{s % 60:02d}"
