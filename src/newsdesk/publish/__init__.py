"""Publish: verified drafts become a static, deterministic, escaped HTML site and Atom feed."""

from __future__ import annotations

from newsdesk.publish.site import SiteResult, build_site
from newsdesk.publish.stage import PublishStage

__all__ = ["PublishStage", "SiteResult", "build_site"]
