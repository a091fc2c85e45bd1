"""The publish stage: turn verified drafts into the static site or Jekyll posts."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Literal

from newsdesk.engine import Context
from newsdesk.errors import InputError
from newsdesk.publish.files import remove_stale_temps
from newsdesk.publish.jekyll import POSTS, build_jekyll
from newsdesk.publish.site import SiteResult, build_site
from newsdesk.records import StageRun

Format = Literal["site", "jekyll"]
FORMATS: tuple[Format, ...] = ("site", "jekyll")


class PublishStage:
    """Runs ``build_site`` (or ``build_jekyll``) over the store and reports files written.

    ``format`` is ``site``, a static HTML site in ``target`` (default: the
    settings' ``site_dir``), or ``jekyll``, one Markdown post per story in
    ``target/_posts`` (``target`` required). ``items_out`` counts files
    actually written, so a re-run over an unchanged store reports 0 and
    ``skipped`` counts every file it found up to date. ``result`` is what the
    last run's build did. A folder that cannot be written is an ``InputError``
    naming the path. A build first removes the temporary files a killed
    publish left in the folders it writes (``files.remove_stale_temps``).
    """

    name = "publish"

    def __init__(self, format: Format = "site", target: Path | None = None) -> None:
        if format not in FORMATS:
            raise ValueError(f"unknown publish format {format!r}; formats: {', '.join(FORMATS)}")
        if format == "jekyll" and target is None:
            raise ValueError("Jekyll posts need a target folder")
        self.format = format
        self.target = target
        self.result = SiteResult()

    def run(self, context: Context) -> StageRun:
        settings = context.config.publish
        if self.format == "site" and self.target is not None:
            settings = replace(settings, site_dir=self.target)
        folder = self.target if self.format == "jekyll" else settings.site_dir
        # the desk's setting, read here and passed down: publishing imports nothing of the desk
        approval = context.config.desk.approve_before_publish
        try:
            if self.format == "jekyll":
                assert self.target is not None
                remove_stale_temps(self.target, recursive=False)  # a starter _config.yml's
                remove_stale_temps(self.target / POSTS, recursive=False)
                self.result = build_jekyll(
                    context.store,
                    settings,
                    self.target,
                    context.progress,
                    approval_required=approval,
                )
            else:
                remove_stale_temps(Path(settings.site_dir))
                self.result = build_site(
                    context.store, settings, context.progress, approval_required=approval
                )
        except OSError as exc:
            raise InputError(f"{exc.filename or folder}: cannot write: {exc.strerror}") from None
        return StageRun(
            stage=self.name,
            items_in=self.result.drafts,
            items_out=len(self.result.written),
            skipped=len(self.result.unchanged),
        )
