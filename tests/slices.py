"""Slices of the bundled sample that tests run the pipeline on: real articles, small enough
that a whole run takes seconds."""

from __future__ import annotations

import json
from pathlib import Path

from newsdesk.config import SAMPLE_DUMP

THREE_EVENTS = (
    # Deutsche Bank and the Trump and Kushner accounts (2019-05-19/20)
    "baly-LizLjbGGQud31MLX",
    "baly-CcThPocGXsXh2xus",
    "baly-hyjSYCRvr35evQqu",
    # Puerto Rico's stay-at-home order; states reopening (2020-05)
    "baly-CO1YwXbaOukW6nIw",
    "baly-IBf1eu0p8MOgAseE",
    "baly-XOuY5Z8m0zWJk6Pr",
    # The New York Times apologises for a cartoon (2019-04)
    "baly-OGNbd89Mq8vUGmUE",
    "baly-synBpWMARrYevONP",
)
"""Eight articles that make three multi-source stories (the same slice
``tests/fixtures/schema4`` was made from): a real site in seconds instead of minutes."""


def write_slice(path: Path, ids: tuple[str, ...] = THREE_EVENTS) -> Path:
    """A JSONL dump of the sample's articles ``ids``, in that order, at ``path``."""
    lines = Path(str(SAMPLE_DUMP)).read_text(encoding="utf-8").splitlines()
    by_id = {json.loads(line)["id"]: line for line in lines}
    path.write_text("".join(by_id[i] + "\n" for i in ids), encoding="utf-8")
    return path


# The USMCA story of the sample: McConnell said the Senate would wait, and "He said"
# means him only while it follows him (the context check's and the desk's paragraph moves).
USMCA = ("baly-PXMbmWFrtBskfPp9", "baly-X3xfy4Z2TspQTotq", "baly-ypQF4LX8KHXOtPNZ")
HE_SAID = (
    "He said consideration of USMCA will “happen in all likelihood right after” the "
    "impeachment trial."
)
MCCONNELL = (
    "Senate Majority Leader Mitch McConnell told reporters the upper chamber will not take up "
    "the trade deal this month."
)
PELOSI = (
    "Behind closed doors, Pelosi insisted that Democrats had the upper hand in the trade deal "
    "and had outstrategized the GOP."
)
