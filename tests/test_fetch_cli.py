"""`extract URL`, `ingest URL… / --feed`, `watch` against a local site: what is fetched, what is
skipped as unchanged, what fails, and that nothing is stored twice."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from local_site import LocalSite, free_port

from quotetrace import pipeline as pipeline_module
from quotetrace import runner
from quotetrace.cli import main
from quotetrace.pipeline import Pipeline
from quotetrace.store import Store

HERE = Path(__file__).resolve().parent
ARTICLES = [
    json.loads(line)
    for line in (HERE / "data" / "wikinews-headlines.jsonl").read_text("utf-8").splitlines()
]  # CC BY 2.5, Wikinews contributors
NO_WAIT = ["--host-delay", "0", "--retries", "0", "--timeout", "2"]


@pytest.fixture(scope="module")
def shared_pipeline(pipeline: Pipeline) -> Pipeline:
    return pipeline


@pytest.fixture(autouse=True)
def one_model(shared_pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(runner, "Pipeline", lambda **options: shared_pipeline)
    monkeypatch.setattr(pipeline_module, "Pipeline", lambda **options: shared_pipeline)
    yield


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_extract_url(capsys: pytest.CaptureFixture[str]) -> None:
    with LocalSite(ARTICLES[:1]) as site:
        code = main(["extract", site.url("/moved/0"), *NO_WAIT])
    out, err = capsys.readouterr()
    assert code == 0, err
    (doc,) = [json.loads(line) for line in out.splitlines()]
    assert doc["error"] is None
    assert doc["quotes"], "the Pelosi article has quotes"
    for quote in doc["quotes"]:  # offsets slice the extracted page text exactly
        text = "".join(doc["text"][s:e] for s, e in quote["content"])
        assert text.replace(" ", "") in quote["text"].replace(" ", "")


def test_extract_without_urls_fetches_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import quotetrace.fetch.client as client

    def no_fetcher(*args: object, **kwargs: object) -> None:
        raise AssertionError("a Fetcher was built for local files")

    monkeypatch.setattr(client.Fetcher, "__init__", no_fetcher)
    path = tmp_path / "a.txt"
    path.write_text("“We will win,” Mayor Ana Ortiz said.\n", encoding="utf-8")
    assert main(["extract", str(path)]) == 0
    capsys.readouterr()


def test_ingest_feed_twice_then_a_changed_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "q.db"
    with LocalSite(ARTICLES[:3], extra_links=[]) as site:
        site.extra_links = [site.url("/changing.html"), site.url("/moved/1")]
        feed = site.url("/feed.xml")
        assert main(["ingest", "--feed", feed, "--db", str(db), *NO_WAIT]) == 0
        err = capsys.readouterr().err
        assert "4 new" in err, err  # 3 articles + the changing page; /moved/1 is article 1 again
        assert "5 fetched, 0 unchanged, 0 failed" in err
        stored = rows(db, "SELECT id, url, source FROM articles ORDER BY url")
        assert len(stored) == 4
        first_bodies = sum(site.bodies[f"/articles/{i}.html"] for i in range(3))

        # the same feed again: every page answers 304, nothing is downloaded or stored again
        assert main(["ingest", "--feed", feed, "--db", str(db), *NO_WAIT]) == 0
        err = capsys.readouterr().err
        assert "0 fetched, 5 unchanged, 0 failed" in err, err
        assert "0 new, 0 replaced" in err
        assert sum(site.bodies[f"/articles/{i}.html"] for i in range(3)) == first_bodies
        assert rows(db, "SELECT id, url, source FROM articles ORDER BY url") == stored

        # the changing page changes: it is fetched again and replaces its old version
        site.version = 1
        assert main(["ingest", "--feed", feed, "--db", str(db), *NO_WAIT]) == 0
        err = capsys.readouterr().err
        assert "1 fetched, 4 unchanged" in err, err
        assert "0 new, 1 replaced" in err
        assert len(rows(db, "SELECT id FROM articles")) == 4
        (text,) = rows(db, "SELECT text FROM articles WHERE url LIKE '%changing%'")[0]
        assert "Friday" in str(text)

    # the URL asked for and the final URL are both kept
    pages = dict(rows(db, "SELECT url, final_url FROM fetched_pages"))
    assert pages[site.url("/moved/1")] == site.url("/articles/1.html")
    with Store.open(db) as store:
        assert store.check() == []


def test_ingest_urls_and_files_together(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "q.db"
    local = tmp_path / "a.txt"
    local.write_text("“We will win,” Mayor Ana Ortiz said.\n", encoding="utf-8")
    down = f"http://127.0.0.1:{free_port()}/story.html"
    with LocalSite(ARTICLES[:1]) as site:
        code = main(
            ["ingest", str(local), site.url("/articles/0.html"), down, "--db", str(db), *NO_WAIT]
        )
    err = capsys.readouterr().err
    assert code == 1  # one input failed; the others are stored
    assert "2 new" in err and "1 failed" in err
    assert "Traceback" not in err
    (reason,) = rows(db, "SELECT reason FROM failures")[0]
    assert "cannot connect" in str(reason)


def test_ingest_needs_an_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", "--db", str(tmp_path / "q.db")]) == 2
    assert "--feed" in capsys.readouterr().err


@pytest.mark.slow  # waits on feed timeouts (about 5 s)
def test_watch_survives_a_down_feed_garbage_and_timeouts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "q.db"
    down_feed = f"http://127.0.0.1:{free_port()}/feed.xml"
    with LocalSite(ARTICLES[:3]) as site:
        site.slow_seconds = 3.0
        site.extra_links = [
            site.url("/changing.html"),
            site.url("/garbage"),
            site.url("/slow"),
            site.url("/error500"),
            site.url("/private/secret.html"),
        ]
        feeds = tmp_path / "feeds.txt"
        feeds.write_text(
            f"# local test feeds\n{site.url('/feed.xml')}\n{down_feed}\n{site.url('/atom.xml')}\n"
        )
        args = ["watch", str(feeds), "--db", str(db), "--every", "0", *NO_WAIT]
        assert main([*args, "--rounds", "2"]) == 0
        err = capsys.readouterr().err
        assert "Traceback" not in err
        lines = [line for line in err.splitlines() if "round " in line and "web:" in line]
        assert len(lines) == 2, err
        # round 1: both feeds of the site read (same links), the down feed failed
        assert "2 feeds read, 1 feeds failed, 5 fetched, 0 unchanged, 2 failed" in lines[0]
        assert "1 unreadable" in lines[0] and "1 disallowed" in lines[0]
        assert "4 new, 0 replaced, 3 failed" in lines[0]  # slow, error500, garbage
        # round 2: the failures wait one round (back-off); unchanged pages answer 304
        assert "0 fetched, 4 unchanged, 0 failed" in lines[1], lines[1]
        assert "backing off" in lines[1]
        assert "0 feeds read, 2 feeds unchanged" in lines[1]  # both feeds answered 304
        assert "0 new, 0 replaced" in lines[1]
        site.version = 1
        assert main([*args, "--once"]) == 0
        err = capsys.readouterr().err
        assert "1 replaced" in err
    assert len(rows(db, "SELECT id FROM articles")) == 4
    assert site.hits["/private/secret.html"] == 0
    with Store.open(db) as store:
        assert store.check() == []


def test_watch_bad_feed_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    feeds = tmp_path / "feeds.txt"
    feeds.write_text("not a url\n")
    assert main(["watch", str(feeds), "--db", str(tmp_path / "q.db"), "--once"]) == 2
    assert "not http(s) URLs" in capsys.readouterr().err
