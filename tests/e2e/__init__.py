"""End-to-end tests in Chromium (Playwright) against a live server."""
