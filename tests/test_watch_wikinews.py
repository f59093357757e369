"""`quotetrace watch` over a local feed of 20 Wikinews articles (../shared/data/wikinews, CC BY 2.5,
Wikinews contributors; skipped when absent), a second feed on a host that is down, an article link
on that host, and a page that changes between rounds: three rounds, counted, nothing stored twice.

Run it by hand to see the round lines: .venv/bin/python tests/test_watch_wikinews.py
"""

from __future__ import annotations

import io
import json
import sqlite3
import sys
from contextlib import redirect_stderr
from pathlib import Path

import pytest
from local_site import LocalSite, free_port

from quotetrace.cli import main
from quotetrace.store import Store

HERE = Path(__file__).resolve().parent
WIKINEWS = HERE.parent.parent / "shared" / "data" / "wikinews" / "articles.jsonl"
N_ARTICLES = 20


def run_scenario(tmp: Path) -> tuple[list[str], dict[str, int], LocalSite]:
    """Three watch rounds; returns the round lines, the store's counts and the site."""
    lines = WIKINEWS.read_text(encoding="utf-8").splitlines()[:N_ARTICLES]
    articles = [json.loads(line) for line in lines]
    down = f"http://127.0.0.1:{free_port()}"
    db = tmp / "watch.db"
    with LocalSite(articles) as site:
        site.extra_links = [site.url("/changing.html"), down + "/story.html"]
        site.change_at_hit = 3  # rounds 1 and 2 see the first version, round 3 the second
        feeds = tmp / "feeds.txt"
        feeds.write_text(f"{site.url('/feed.xml')}\n{down}/feed.xml\n", encoding="utf-8")
        err = io.StringIO()
        args = ["watch", str(feeds), "--db", str(db), "--rounds", "3", "--every", "0"]
        with redirect_stderr(err):
            code = main([*args, "--host-delay", "0", "--retries", "1", "--timeout", "5"])
        assert code == 0, err.getvalue()
    rounds = [line for line in err.getvalue().splitlines() if ": round " in line]
    with Store.open(db) as store:
        counts = store.counts()
        assert store.check() == []
    with sqlite3.connect(db) as conn:
        counts["fetched_pages"] = conn.execute("SELECT count(*) FROM fetched_pages").fetchone()[0]
        counts["distinct urls"] = conn.execute(
            "SELECT count(DISTINCT url) FROM articles"
        ).fetchone()[0]
    return rounds, counts, site


@pytest.mark.slow  # three rounds over twenty articles
@pytest.mark.skipif(not WIKINEWS.is_file(), reason="../shared/data/wikinews is not here")
def test_watch_twenty_wikinews_articles(tmp_path: Path) -> None:
    rounds, counts, site = run_scenario(tmp_path)
    assert len(rounds) == 3
    # round 1: everything new; the down feed and the article on the down host fail
    assert "1 feeds read, 1 feeds failed, 21 fetched, 0 unchanged, 1 failed" in rounds[0]
    assert "21 new, 0 replaced, 1 failed" in rounds[0]
    # round 2: the feed and every page answer 304; the two failures sit out this round
    assert "0 feeds read, 1 feeds unchanged, 0 feeds failed, 0 fetched, 21 unchanged" in rounds[1]
    assert "2 backing off" in rounds[1]
    assert "0 new, 0 replaced, 0 failed" in rounds[1]
    # round 3: the changed page is fetched and replaces its old version; the down host fails again
    assert "1 feeds unchanged, 1 feeds failed, 1 fetched, 20 unchanged, 1 failed" in rounds[2]
    assert "0 new, 1 replaced, 1 failed" in rounds[2]
    assert counts["articles"] == counts["distinct urls"] == counts["fetched_pages"] == 21
    assert site.bodies["/feed.xml"] == 1
    for i in range(N_ARTICLES):  # each article page was downloaded once
        assert site.bodies[f"/articles/{i}.html"] == 1


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        found, totals, served = run_scenario(Path(scratch))
    print("\n".join(found))
    print("store:", totals)
    pages = sum(served.bodies[f"/articles/{i}.html"] for i in range(N_ARTICLES))
    print(
        f"article bodies served: {pages} for {N_ARTICLES} articles; requests: {sum(served.hits.values())}"
    )
    sys.exit(0)
