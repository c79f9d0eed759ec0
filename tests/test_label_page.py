"""`genuine label` as a person uses it: a real headless browser (Debian's chromium, driven by
Playwright) labels comments by keyboard; the server is killed and restarted in between.

Skips, saying why, where Playwright or a chromium browser is missing (CI installs both).
Run ``python tests/test_label_page.py docs/images/label_page.png`` to redo the README screenshot.
"""

from __future__ import annotations

import csv
import os
import selectors
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 120

COMMENTS = [
    ("which lens did you use for the night shots?", "Night walk in Shinjuku, shot handheld"),
    ("nice pic 🔥", "Night walk in Shinjuku, shot handheld"),
    ("size M có k ạ?", "Váy lụa mới về, 3 màu, size S-L"),
    ("ib giá", "Váy lụa mới về, 3 màu, size S-L"),
    ("giá 450k mà chất vải mỏng vậy thì hơi chát", "Váy lụa mới về, 3 màu, size S-L"),
    ("这个粉底我用了一周，混油皮下午会浮粉", "新粉底测评：持妆12小时？"),
    ("好看", "新粉底测评：持妆12小时？"),
    ("加薇信 abc123 兼职日结", "新粉底测评：持妆12小时？"),
    ("the 3:40 tip about tempering chocolate saved my cake", "Chocolate cake, step by step"),
    ("love your content so much, keep going!!!", "Chocolate cake, step by step"),
    ("tried this with oat milk and it split, use whole milk", "Chocolate cake, step by step"),
    ("check out my channel!", "Chocolate cake, step by step"),
    ("đoạn 2:15 chị trộn bột trước hay sau khi cho trứng", "Bánh bông lan trứng muối"),
    ("hay quá", "Bánh bông lan trứng muối"),
    ("最后那个转场是用什么软件做的", "成都三天两夜vlog"),
    ("互关", "成都三天两夜vlog"),
    ("not true, the EU rule only applies to imports over 150€", "New import rules explained"),
    ("first", "New import rules explained"),
    ("em dùng em này 2 tuần, da dầu mà chiều vẫn không bóng", "Review kem chống nắng"),
    ("@Mai xem nè", "Review kem chống nắng"),
    ("what temp for the second bake?", "Sourdough, day 3"),
    ("😍😍😍", "Sourdough, day 3"),
    ("楼上说的不对，这款是23年的新版", "新粉底测评：持妆12小时？"),
    ("f4f", "Night walk in Shinjuku, shot handheld"),
]


def _chromium() -> str | None:
    for candidate in (
        os.environ.get("GENUINE_CHROMIUM"),
        "/usr/lib/chromium/chromium",  # Debian's binary, without the shell wrapper
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def _needs_browser() -> tuple[Any, str]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed: pip install -e '.[dev]'")
    chromium = _chromium()
    if chromium is None:
        pytest.skip("no chromium browser: apt-get install chromium (or set $GENUINE_CHROMIUM)")
    return sync_playwright, chromium


def write_comments(path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["comment", "post"])
        writer.writerows(COMMENTS)


@contextmanager
def label_server(*args: str, log: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """Run ``genuine label ARGS --port 0``; yield the process and the page address it prints."""
    with open(log, "a") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "genuine_cli", "label", *args, "--port", "0"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    try:
        assert process.stdout is not None
        selector = selectors.DefaultSelector()
        selector.register(process.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + START_TIMEOUT_S
        line = ""
        while "http://" not in line:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"genuine label did not start: {log.read_text()}")
            if selector.select(timeout=1):
                line = process.stdout.readline()
        yield process, line[line.index("http://") :].split()[0]
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()


def _labels(path: Path) -> dict[str, Any]:
    from classifier.labeling.store import read_labels

    return read_labels(path)


def _wait_for_new_comment(page: Any, before: str) -> str:
    page.wait_for_function(
        "before => document.getElementById('text').textContent !== before", arg=before
    )
    return str(page.text_content("#text"))


def test_label_by_keyboard_kill_restart_and_nothing_is_lost(tmp_path):
    sync_playwright, chromium = _needs_browser()
    from classifier.labeling.store import text_sha256

    comments, labels_path, log = (
        tmp_path / "comments.csv",
        tmp_path / "labels.ndjson",
        tmp_path / "log",
    )
    write_comments(comments)
    args = (str(comments), "--text-column", "comment", "--post-column", "post")
    args += ("--labeler", "tester", "-o", str(labels_path))
    posts = dict(COMMENTS)
    given: dict[str, tuple[str, str | None]] = {}
    picks: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page()
        with label_server(*args, log=log) as (process, url):
            page.goto(url)
            page.wait_for_selector("#text:not(:empty)")
            assert "need 30 more random labels" in page.text_content("#estimate")
            # keys: S/G, then a category number (or Enter for none); X skips
            for keys, label, category in [
                (["s", "1"], "substantive", "question"),
                (["g", "1"], "generic", "generic_praise"),
                (["x"], "skip", None),
                (["g", "Enter"], "generic", None),
                (["s", "3"], "substantive", "opinion"),
            ]:
                text = str(page.text_content("#text"))
                assert page.text_content("#post") == posts[text]  # the post is shown with it
                picks.append(str(page.get_attribute("#pick", "data-pick")))
                for key in keys:
                    page.keyboard.press(key)
                _wait_for_new_comment(page, text)
                given[text] = (label, category)
            assert picks == ["uncertain"] * 3 + ["random", "uncertain"]
            assert page.text_content("#labeled-count") == "4 labeled"
            # undo brings the last comment back; it is labeled again differently
            last = list(given)[-1]
            page.keyboard.press("u")
            page.wait_for_function(
                "t => document.getElementById('text').textContent === t", arg=last
            )
            assert "Undone: substantive / opinion" in str(page.text_content("#status"))
            page.keyboard.press("g")
            page.keyboard.press("2")
            _wait_for_new_comment(page, last)
            given[last] = ("generic", "emoji_only")
            shown_next = str(page.text_content("#text"))
            # the rules of a category are one click away
            page.click("button[aria-label='rule for contact_bait']")
            assert "Zalo/WeChat" in str(page.text_content("#rule"))
            page.keyboard.press("?")  # and the whole guide one key away
            page.wait_for_selector("#guide[open]")
            assert "did the author engage with this specific post?" in str(
                page.text_content("#guide-text")
            )
            page.keyboard.press("Escape")
            page.wait_for_selector("#guide:not([open])", state="attached")
            process.send_signal(signal.SIGKILL)
        saved = _labels(labels_path)
        expected = {text_sha256(t): value for t, value in given.items() if value[0] != "skip"}
        assert {h: (r.label, r.category) for h, r in saved.items()} == expected
        assert {r.labeler for r in saved.values()} == {"tester"}
        # restart: nothing lost, nothing labeled comes back, the next pick is a new comment
        with label_server(*args, log=log) as (process, url):
            page.goto(url)
            page.wait_for_selector("#text:not(:empty)")
            assert page.text_content("#labeled-count") == "4 labeled"
            text = str(page.text_content("#text"))
            assert text not in given
            assert text == shown_next  # the comment it was showing when killed, unlabeled
            page.keyboard.press("s")
            page.keyboard.press("Enter")
            _wait_for_new_comment(page, text)
            assert page.text_content("#labeled-count") == "5 labeled"
            assert str(page.text_content("#text")) not in given
        browser.close()
    assert len(_labels(labels_path)) == 5


def take_screenshot(target: Path) -> None:
    """The README's picture: the page after a few labels, on the comments above."""
    import tempfile

    from playwright.sync_api import sync_playwright

    chromium = _chromium()
    if chromium is None:
        raise SystemExit("no chromium browser: apt-get install chromium")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        comments, labels = folder / "comments.csv", folder / "labels.ndjson"
        write_comments(comments)
        args = (str(comments), "--text-column", "comment", "--post-column", "post")
        with (
            sync_playwright() as playwright,
            label_server(*args, "--labeler", "lan", "-o", str(labels), log=folder / "log") as (
                _,
                url,
            ),
        ):
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1280, "height": 820})
            page.goto(url)
            page.wait_for_selector("#text:not(:empty)")
            for keys in (["s", "1"], ["g", "1"], ["s", "2"], ["g", "4"], ["g", "1"], ["s", "3"]):
                before = str(page.text_content("#text"))
                for key in keys:
                    page.keyboard.press(key)
                _wait_for_new_comment(page, before)
            page.keyboard.press("s")
            page.click("button[aria-label='rule for question']")
            target.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(target), full_page=True)
            browser.close()


if __name__ == "__main__":
    take_screenshot(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/images/label_page.png"))
