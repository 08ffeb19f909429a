"""What the journey tests share (test_journeys.py, test_resource_journeys.py): a
browser context with or without JavaScript that records every portal page it shows,
signing a member in with the session cookie sign-in sets, and ``scan``: axe-core's WCAG
2.2 A/AA rules and the phone-width layout check, at 1280 and at 375 px wide.

**Scanning a page without JavaScript.** A context made with ``java_script_enabled=False``
refuses to evaluate anything in the page's own world (``page.evaluate`` waits for ever),
but Chromium still runs script in an isolated world created through DevTools, the way
Playwright's own locators work. ``scan`` runs axe there, on the very document the member
sees: the HTML as served, with no script of the page having run. Timers do not fire in a
page whose scripting is off, so the isolated world gets a ``setTimeout`` made from
``requestAnimationFrame`` (axe waits on timers between its checks); the page's own world
is untouched. The same path scans pages with JavaScript on, so both runs are measured
alike.

**No page left unscanned.** ``browser_context`` watches each page's main frame; when the
block ends, every portal address the member was shown must have been scanned (the address
with its query; the OpenID provider's own form is not the portal's and is left out)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from fastapi import FastAPI
from playwright.sync_api import Browser, BrowserContext, Frame, Page, ViewportSize

from app.security.sessions import session_cookie_name
from tests.browser.conftest import AXE_SCRIPT, AXE_TAGS, describe_violations
from tests.support.sessions import start_member_session

DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 375, "height": 740}

# setTimeout and clearTimeout for the isolated world, on animation frames: a page without
# JavaScript fires no timers, and axe.run waits on them.
_TIMERS_ON_FRAMES = """(() => {
  let nextId = 1;
  const pending = new Set();
  globalThis.setTimeout = (callback, delay = 0, ...args) => {
    const id = nextId++;
    const due = performance.now() + Number(delay || 0);
    pending.add(id);
    const step = () => {
      if (!pending.has(id)) return;
      if (performance.now() >= due) { pending.delete(id); callback(...args); }
      else requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
    return id;
  };
  globalThis.clearTimeout = id => { pending.delete(id); };
})();"""

# What makes a phone scroll sideways or breaks a word that had room: the page wider than
# the viewport (with the elements that stick out, outside any scrolling box), and words
# split over two lines although the page's main column could hold them whole (a label in
# a column too narrow for it). A word here is a run of letters and digits, so a break at a
# space, hyphen, slash or bracket (as a reader expects) is not counted; nor is a word wider
# than the main column (a long address), which has to break.
_LAYOUT_PROBLEMS = """(() => {
  const problems = [];
  const viewport = document.documentElement.clientWidth;
  const describe = element => {
    let text = element.tagName.toLowerCase();
    if (element.id) text += '#' + element.id;
    if (typeof element.className === 'string' && element.className.trim())
      text += '.' + element.className.trim().split(/\\s+/).join('.');
    return text;
  };
  const shown = element => {
    const style = getComputedStyle(element);
    return style.display !== 'none' && style.visibility !== 'hidden'
      && !element.closest('[hidden], .govuk-visually-hidden, .visually-hidden');
  };
  const scrolls = element => {
    for (let node = element.parentElement; node && node !== document.body;
         node = node.parentElement) {
      const overflow = getComputedStyle(node).overflowX;
      if (overflow === 'auto' || overflow === 'scroll' || overflow === 'hidden'
          || overflow === 'clip') return true;
    }
    return false;
  };
  const pageWidth = document.documentElement.scrollWidth;
  if (pageWidth > viewport) {
    const wide = [];
    for (const element of document.body.querySelectorAll('*')) {
      if (!shown(element) || scrolls(element)) continue;
      const box = element.getBoundingClientRect();
      if (box.width > 0 && box.right > viewport + 0.5) wide.push(
        `${describe(element)} reaches ${Math.round(box.right)} px`);
    }
    problems.push(`the page is ${pageWidth} px wide in a ${viewport} px viewport: `
      + wide.slice(0, 8).join('; '));
  }
  const column = document.querySelector('main') || document.body;
  const columnStyle = getComputedStyle(column);
  const room = column.clientWidth - parseFloat(columnStyle.paddingLeft)
    - parseFloat(columnStyle.paddingRight);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    const parent = text.parentElement;
    if (!parent || !shown(parent) || parent.closest('script, style, noscript')) continue;
    for (const word of text.data.matchAll(/[\\p{L}\\p{N}\\p{M}'’]{2,}/gu)) {
      const range = document.createRange();
      range.setStart(text, word.index);
      range.setEnd(text, word.index + word[0].length);
      const rects = [...range.getClientRects()].filter(rect => rect.width > 0);
      if (rects.length < 2) continue;
      const tops = new Set(rects.map(rect => Math.round(rect.top)));
      if (tops.size < 2) continue;
      const wordWidth = rects.reduce((sum, rect) => sum + rect.width, 0);
      if (wordWidth <= room) problems.push(
        `“${word[0]}” breaks mid-word in ${describe(parent)} (${Math.round(wordWidth)} px`
        + ` wide; the main column has ${Math.round(room)} px)`);
    }
  }
  return problems;
})()"""


@cache
def _axe_source() -> str:
    return _TIMERS_ON_FRAMES + AXE_SCRIPT.read_text()


@dataclass
class PagesShown:
    """The portal addresses a context showed and the ones scanned."""

    portal_url: str
    shown: set[str] = field(default_factory=set)
    scanned: set[str] = field(default_factory=set)

    def address(self, url: str) -> str | None:
        """The portal address (path and query) of a URL, or None for another site's."""
        if not url.startswith(self.portal_url + "/"):
            return None
        return url[len(self.portal_url) :].split("#", 1)[0]

    def watch(self, page: Page) -> None:
        def on_navigation(frame: Frame) -> None:
            address = self.address(frame.url)
            if frame == page.main_frame and address is not None:
                self.shown.add(address)

        page.on("framenavigated", on_navigation)

    def unscanned(self) -> set[str]:
        return self.shown - self.scanned


_PAGES_SHOWN: dict[BrowserContext, PagesShown] = {}


@contextmanager
def browser_context(
    browser: Browser, portal_url: str, *, javascript: bool
) -> Iterator[BrowserContext]:
    """A context at the desktop width; on leaving the block without an error, every portal
    page it showed must have been scanned."""
    context = browser.new_context(
        base_url=portal_url, java_script_enabled=javascript, viewport=DESKTOP
    )
    context.set_default_timeout(30_000)
    context.set_default_navigation_timeout(30_000)
    pages = PagesShown(portal_url)
    _PAGES_SHOWN[context] = pages
    context.on("page", pages.watch)
    try:
        yield context
        missed = pages.unscanned()
        assert not missed, f"pages shown but never scanned: {sorted(missed)}"
    finally:
        del _PAGES_SHOWN[context]
        context.close()


def open_as(context: BrowserContext, app: FastAPI, portal_url: str, member_id: str) -> Page:
    """A page signed in as an existing member (the session sign-in would start)."""
    token = start_member_session(app, member_id)
    context.add_cookies(
        [
            {
                "name": session_cookie_name(app.state.settings),
                "value": token,
                "url": portal_url,
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )
    return context.new_page()


def scan(page: Page) -> None:
    """axe-core (WCAG 2.2 A/AA) and the layout check on the page as it is, at 1280 and at
    375 px wide, with or without the page's JavaScript; back at 1280 px after. It waits
    for the page's load event first: a form's answer may still be fetching its stylesheet
    on a busy machine, and a page without it fails on touch-target sizes."""
    page.wait_for_load_state("load")
    failures = []
    try:
        for viewport in (DESKTOP, PHONE):
            page.set_viewport_size(viewport)
            violations = _in_isolated_world(
                page,
                _axe_source(),
                f"axe.run(document, {{runOnly: {{type: 'tag', values: {json.dumps(AXE_TAGS)}}}}})"
                ".then(result => result.violations)",
            )
            if violations:
                failures.append(
                    f"axe at {viewport['width']} px:\n" + describe_violations(violations)
                )
            layout = _in_isolated_world(page, "", _LAYOUT_PROBLEMS)
            if layout:
                failures.append(f"layout at {viewport['width']} px:\n  " + "\n  ".join(layout))
    finally:
        page.set_viewport_size(DESKTOP)
    assert not failures, f"problems on {page.url}:\n" + "\n".join(failures)
    pages = _PAGES_SHOWN.get(page.context)
    address = pages.address(page.url) if pages else None
    if pages is not None and address is not None:
        pages.scanned.add(address)


def _in_isolated_world(page: Page, setup: str, expression: str) -> Any:
    """Evaluate ``expression`` (awaiting a promise) in a new isolated world of the page's
    main frame, after ``setup``; the page's own scripts neither see nor need to run it."""
    session = page.context.new_cdp_session(page)
    try:
        frame_id = session.send("Page.getFrameTree")["frameTree"]["frame"]["id"]
        world = session.send(
            "Page.createIsolatedWorld", {"frameId": frame_id, "worldName": "portal-scan"}
        )
        context_id = world["executionContextId"]
        if setup:
            _evaluate(session, context_id, setup)
        return _evaluate(session, context_id, expression)
    finally:
        session.detach()


def _evaluate(session: Any, context_id: int, expression: str) -> Any:
    answer = session.send(
        "Runtime.evaluate",
        {
            "expression": expression,
            "contextId": context_id,
            "awaitPromise": True,
            "returnByValue": True,
        },
    )
    if "exceptionDetails" in answer:
        raise AssertionError(f"the scan failed in the page: {answer['exceptionDetails']}")
    return answer["result"].get("value")
