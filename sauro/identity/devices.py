"""A readable name for the browser and system a User-Agent header names ("Chrome trên Windows"), for the lists of
one's sessions. A handful of substring checks, in an order that respects how browsers borrow each other's tokens
(Edge and Cốc Cốc say "Chrome", Chrome says "Safari", Android says "Linux", iOS says "Mac OS X"): enough to tell
one's own devices apart, not a full parser."""

from __future__ import annotations

from django.utils.translation import gettext as _

# (token in the User-Agent, browser name), first match wins.
_BROWSERS: tuple[tuple[str, str], ...] = (
    ("coc_coc_browser", "Cốc Cốc"),
    ("Edg", "Edge"),
    ("OPR/", "Opera"),
    ("Opera", "Opera"),
    ("SamsungBrowser", "Samsung Internet"),
    ("Zalo", "Zalo"),
    ("Firefox/", "Firefox"),
    ("FxiOS", "Firefox"),
    ("CriOS", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Version/", "Safari"),
)
_SYSTEMS: tuple[tuple[str, str], ...] = (
    ("Windows", "Windows"),
    ("iPhone", "iOS"),
    ("iPod", "iOS"),
    ("iPad", "iPadOS"),
    ("Android", "Android"),
    ("CrOS", "ChromeOS"),
    ("Macintosh", "macOS"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)


def _first(user_agent: str, table: tuple[tuple[str, str], ...]) -> str:
    return next((name for token, name in table if token in user_agent), "")


def device_label(user_agent: str) -> str:
    """ "Chrome trên Windows", "Safari trên iOS"; what is known when only one half is; "Thiết bị không rõ" otherwise.
    Safari is recognised only with its "Safari/" token (an in-app view that borrows "Version/" is not Safari)."""
    browser = _first(user_agent, _BROWSERS)
    if browser == "Safari" and "Safari/" not in user_agent:
        browser = ""
    system = _first(user_agent, _SYSTEMS)
    if browser and system:
        return _("%(browser)s trên %(system)s") % {"browser": browser, "system": system}
    if browser:
        return browser
    if system:
        return _("Trình duyệt trên %(system)s") % {"system": system}
    return _("Thiết bị không rõ")
