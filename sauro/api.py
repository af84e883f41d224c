"""The JSON API: one NinjaAPI assembling each app's router under /api/v1/."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(title="Sáu Rõ API", version="1", urls_namespace="api")
