"""The daily work of every app, ordered in one place above the apps (``sauro.daily.jobs``)."""
