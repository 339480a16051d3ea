"""Browser checks look at a settled page: no frame of a transition or animation reaches axe.

Material's header title fades and slides while the page scrolls; axe caught it half-faded once and
reported a serious color-contrast finding (a flake in the suggestions test). Every context prefers
reduced motion (Material then has no transitions) and axe runs once the page's own animations ended.
"""

from __future__ import annotations

import pytest

from tests.browser.support import axe_violations, offline_context

pytestmark = pytest.mark.browser

# grey on white at the start (contrast about 1.2:1), black at the end: only a settled page passes
FADING_TEXT = """<!doctype html><html lang="en"><title>fading</title><main><h1>Wall</h1>
<p id="text" style="color:#000;background:#fff">Text that fades in</p></main>"""


def test_every_context_prefers_reduced_motion(browser):
    with offline_context(browser) as context:
        page = context.new_page()
        assert page.evaluate("matchMedia('(prefers-reduced-motion: reduce)').matches")
    context = browser.new_context(java_script_enabled=True)  # contexts opened directly too
    try:
        assert context.new_page().evaluate("matchMedia('(prefers-reduced-motion: reduce)').matches")
    finally:
        context.close()


def test_axe_waits_for_a_running_animation_to_end(browser):
    with offline_context(browser) as context:
        page = context.new_page()
        page.set_content(FADING_TEXT)
        page.evaluate("""document.getElementById('text').animate(
            [{color: '#eee'}, {color: '#000'}], {duration: 1500, easing: 'steps(2, jump-none)'})""")
        assert not axe_violations(page)
        assert page.evaluate("document.getAnimations().length") == 0
