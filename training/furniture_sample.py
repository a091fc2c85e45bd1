"""Draw the sentences to label for the furniture classifier (``training/furniture/``).

Half the sample is drawn uniformly from every sentence of the allsides_fulltext
**train** articles, so that its furniture share estimates the corpus's. The other
half is drawn from sentences a loose net catches (short, unterminated, first or
last paragraphs, cue words such as "photo" or "subscribe"): furniture is a few per
cent of sentences, and a uniform sample alone would hold too few to learn from or to
measure recall on. Each row carries its neighbours, so a reader labels it in context.

Usage: python training/furniture_sample.py [--n 600] [--seed 15] > sample.jsonl
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
from pathlib import Path

from newsdesk.language.text import paragraphs, sentences

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "clusters" / "allsides_fulltext"
_CUES = re.compile(
    r"photo|getty|image|reuters/|ap/|\(ap\)|subscribe|sign up|newsletter|click|read more|"
    r"related|follow|podcast|i'm|listen|watch|@|http|©|copyright|editing by|reporting by|"
    r"contributed|advertisement|more:|\bmore\b|^[A-Z\s]{4,}$|:$|—\s*$",
    re.IGNORECASE,
)


def rows(data: Path) -> list[dict[str, object]]:
    """Every sentence of the train split's articles, with its place and neighbours."""
    stories = [json.loads(line) for line in (data / "stories.jsonl").open(encoding="utf-8")]
    train = {s["cluster_id"] for s in stories if s.get("split") == "train"}
    found = []
    with gzip.open(data / "articles.jsonl.gz", "rt", encoding="utf-8") as handle:
        for line in handle:
            article = json.loads(line)
            if article["cluster_id"] not in train:
                continue
            paras = list(paragraphs(article["text"]))
            spans = list(sentences(article["text"]))
            for i, span in enumerate(spans):
                para = next(n for n, p in enumerate(paras) if p.start <= span.start < p.end)
                found.append(
                    {
                        "article_id": article["id"],
                        "outlet": article["outlet"],
                        "start": span.start,
                        "end": span.end,
                        "text": span.text,
                        "paragraph": para,
                        "paragraphs": len(paras),
                        "before": spans[i - 1].text if i else "",
                        "after": spans[i + 1].text if i + 1 < len(spans) else "",
                    }
                )
    return found


def caught(row: dict[str, object]) -> bool:
    text = str(row["text"])
    edge = int(row["paragraph"]) in (0, 1) or int(row["paragraph"]) >= int(row["paragraphs"]) - 2
    short = len(text.split()) < 8
    return (
        bool(_CUES.search(text))
        or short
        or not text.rstrip("”\"’')").endswith((".", "!", "?"))
        or (edge and len(text.split()) < 15)
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--n", type=int, default=600)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    every = rows(args.data)
    rng = random.Random(args.seed)
    uniform = rng.sample(every, args.n // 2)
    taken = {(r["article_id"], r["start"]) for r in uniform}
    pool = [r for r in every if caught(r) and (r["article_id"], r["start"]) not in taken]
    netted = rng.sample(pool, args.n - len(uniform))
    for number, (row, draw) in enumerate(
        [(r, "uniform") for r in uniform] + [(r, "net") for r in netted]
    ):
        json.dump({"id": f"f{number:04d}", "draw": draw, **row}, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    print(f"{len(every)} sentences, {len(pool)} caught by the net", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
