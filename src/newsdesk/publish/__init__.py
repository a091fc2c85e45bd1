"""Publish: verified drafts become an escaped static site with an Atom feed, or Jekyll posts."""

from __future__ import annotations

from newsdesk.publish.jekyll import build_jekyll
from newsdesk.publish.site import SiteResult, build_site
from newsdesk.publish.stage import PublishStage

__all__ = ["PublishStage", "SiteResult", "build_jekyll", "build_site"]
