"""Browser journeys in real Chromium (Playwright), against pytest-django's live server."""
