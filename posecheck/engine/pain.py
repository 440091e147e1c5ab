"""Pain check-ins and the safety stop: the rule and its words (pure; no page, no I/O).

The person rates their back 0-10 before a session, after it, and whenever they press "It
hurts" during it. The safety stop is the advice of the articles behind posecheck put as a
rule: pain that rises by 2 or more during a session, or any rating of 7 or more, means stop,
rest, and see a physiotherapist or doctor if it persists. posecheck is not a medical device:
the rule does not judge what the pain is, it only stops the exercise and says so.
"""

from __future__ import annotations

from collections.abc import Sequence

SCALE = tuple(range(11))  # 0 no pain .. 10 the worst imaginable
RISE = 2  # points above the session's baseline that stop it
SEVERE = 7  # a rating this high stops it, whatever came before

# when a rating is given
BEFORE, DURING, AFTER = "before", "during", "after"
MOMENTS = (BEFORE, DURING, AFTER)

QUESTION = "How is your back right now?"
HURTS_QUESTION = "How much does it hurt now?"
SCALE_ENDS = "0 = no pain, 10 = the worst pain you can imagine"


def check_score(score: int | None) -> int | None:
    """A rating as stored: None (skipped) or a whole number 0-10; anything else is refused."""
    if score is None:
        return None
    if isinstance(score, bool) or int(score) != score or not 0 <= int(score) <= 10:
        raise ValueError(f"a pain rating is a whole number from 0 to 10, not {score!r}")
    return int(score)


def baseline(before: int | None, earlier: Sequence[int | None] = ()) -> int | None:
    """What a rise is measured from: the rating before the session; when that was skipped, the
    first rating given during it (a person who skipped the question and later says 3, then 5,
    has still had their pain rise by 2)."""
    if before is not None:
        return before
    return next((r for r in earlier if r is not None), None)


def safety_stop(baseline_score: int | None, rating: int | None) -> bool:
    """True when this rating means stop: 7 or more, or 2 or more above the baseline. A skipped
    rating (None) never stops; without a baseline only the 7+ rule applies."""
    if rating is None:
        return False
    if rating >= SEVERE:
        return True
    return baseline_score is not None and rating - baseline_score >= RISE


STOP_ADVICE = ("Stop for now and rest in a position that is comfortable for you. If the pain "
               "does not settle, or keeps coming back, please see a physiotherapist or doctor.")


def safety_message(moment: str, baseline_score: int | None, rating: int) -> str:
    """The words shown (and said) when the safety stop fires: what was noticed, then what to
    do. Never a reproach: listening to the body is what the exercise is for."""
    if rating >= SEVERE:
        noticed = f"You rated your pain {rating} out of 10"
    else:
        noticed = f"Your pain went from {baseline_score} to {rating}"
    if moment == BEFORE:
        return (f"{noticed}, so let's not exercise now. {STOP_ADVICE}")
    if moment == AFTER:
        return f"{noticed} after this session. Thank you for saying so. {STOP_ADVICE}"
    return f"{noticed}, so the session has stopped here; what you did is saved. {STOP_ADVICE}"


# When to see a professional: the red flags the articles list, in the person's words. Shown on
# the page (an expander that is always in the sidebar) and in README.
SEE_A_PROFESSIONAL_TITLE = "When to see a professional"
SEE_A_PROFESSIONAL = (
    "See a doctor or physiotherapist if you have:",
    "severe pain, or pain that does not get better after a few days of rest and gentle movement",
    "numbness, tingling or weakness in a leg or foot",
    "loss of control of your bladder or bowels, or numbness around your bottom or genitals "
    "(get urgent help at once)",
    "a fever, or you feel generally unwell, with the back pain",
    "back pain after a fall, an accident or a blow to the back",
)
NOT_A_DEVICE = ("posecheck is not a medical device: it watches how you move, it cannot tell "
                "what causes your pain or whether an exercise is right for you.")
