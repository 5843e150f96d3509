"""Open the report and review pages in headless Chromium (Debian's ``chromium`` package; .ci/install-browser
installs it) over the DevTools protocol: no console errors, no network requests, the numbers shown match
the data, the highlighted text is the notice text, and screenshots are saved (to $REPORT_SCREENSHOTS when
set, else to the test's tmp folder).

The DevTools client speaks over ``--remote-debugging-pipe`` (NUL-separated JSON on fds 3 and 4), so it
needs no websocket package and no TCP port. A missing Chromium is a failure, not a skip.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from extractor.annotations.source import split_front_matter
from extractor.markup import parse
from extractor.pipeline import Extractor
from extractor.report.cli import build_report
from extractor.report.load import district_key
from extractor.report.review import page_names
from extractor.schema import Commitment, Deadline, Extraction, Notice, Quantity, Span, TextSpan

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--remote-debugging-pipe"]
SOURCES = Path(__file__).resolve().parents[1] / "annotations" / "src"


class CDPError(RuntimeError):
    pass


class Browser:
    """Chromium driven over the DevTools pipe; one page session."""

    def __init__(self, binary: Path = CHROMIUM, timeout: float = 30.0):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="report-chromium-")
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        def wire() -> None:   # in the child: the pipe ends go on fds 3 and 4, where chromium looks for them
            a = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 100)
            b = fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 100)
            os.dup2(a, 3)
            os.dup2(b, 4)

        command = [str(binary), *FLAGS, f"--user-data-dir={self.profile}", "about:blank"]
        self.proc = subprocess.Popen(command, preexec_fn=wire, close_fds=False,  # noqa: PLW1509 (dup2 only)
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_child_r)
        os.close(from_child_w)
        self._id = 0
        self._replies: dict[int, dict[str, Any]] = {}
        self._cond = threading.Condition()
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self.session: str | None = None
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        buf = b""
        while True:
            try:
                chunk = os.read(self._from_child, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                with self._cond:
                    self._cond.notify_all()
                return
            buf += chunk
            while b"\0" in buf:
                raw, buf = buf.split(b"\0", 1)
                msg = json.loads(raw)
                if "id" in msg:
                    with self._cond:
                        self._replies[msg["id"]] = msg
                        self._cond.notify_all()
                else:
                    self.events.put(msg)

    def send(self, method: str, params: dict[str, Any] | None = None, session: bool = True) -> dict[str, Any]:
        self._id += 1
        msg: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        os.write(self._to_child, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        with self._cond:
            while self._id not in self._replies:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise CDPError(f"no reply to {method} (chromium exit status {self.proc.poll()})")
                self._cond.wait(0.5)
            reply = self._replies.pop(self._id)
        if "error" in reply:
            raise CDPError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def open_page(self, width: int = 1400, height: int = 1000) -> None:
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True},
                                 session=False)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})

    def drain(self) -> list[dict[str, Any]]:
        out = []
        while not self.events.empty():
            out.append(self.events.get_nowait())
        return out

    def navigate(self, url: str) -> list[dict[str, Any]]:
        """Load ``url``; the events seen until the load event and a short settle after it."""
        self.drain()
        self.send("Page.navigate", {"url": url})
        seen, deadline = [], time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            try:
                event = self.events.get(timeout=0.5)
            except queue.Empty:
                continue
            seen.append(event)
            if event.get("method") == "Page.loadEventFired":
                time.sleep(0.3)
                return seen + self.drain()
        raise CDPError(f"{url} did not finish loading")

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise CDPError(f"evaluate failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path) -> None:
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        try:
            if self.proc.poll() is None:
                try:
                    self.send("Browser.close", session=False)
                    self.proc.wait(10)
                except (CDPError, subprocess.TimeoutExpired):
                    self.proc.kill()
                    self.proc.wait(10)
        finally:
            for fd in (self._to_child, self._from_child):
                try:
                    os.close(fd)
                except OSError:
                    pass
            shutil.rmtree(self.profile, ignore_errors=True)


def problems(events: list[dict[str, Any]]) -> list[str]:
    """Console errors and warnings, uncaught exceptions, error log entries, requests leaving the folder."""
    out = []
    for e in events:
        method, p = e.get("method"), e.get("params", {})
        if method == "Runtime.exceptionThrown":
            out.append(f"exception: {p['exceptionDetails']}")
        elif method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert", "warning"):
            out.append(f"console.{p['type']}: {[a.get('value', a.get('description')) for a in p.get('args', [])]}")
        elif method == "Log.entryAdded" and p["entry"].get("level") in ("error", "warning"):
            out.append(f"log {p['entry']['level']}: {p['entry'].get('text')} {p['entry'].get('url', '')}")
        elif method == "Network.requestWillBeSent" and not p["request"]["url"].startswith(("file:", "data:")):
            out.append(f"network request: {p['request']['url']}")
    return out


# ---------------------------------------------------------------------------------------------- data

TRICKY_TEXT = "答复\r\n下一步，将在年底前新建<b>社区</b>中心12个&amp;；力争逐步完成改造。\n"


def tricky() -> Extraction:
    t = TRICKY_TEXT

    def at(part: str) -> tuple[int, int]:
        return t.index(part), t.index(part) + len(part)

    (ms, me), (qs, qe), (ds, de), (m2s, m2e) = at("新建<b>社区</b>中心12个"), at("12个"), at("年底前"), at("完成改造")
    commitments = [
        Commitment(measure=TextSpan(start=ms, end=me, text=t[ms:me]),
                   quantities=[Quantity(start=qs, end=qe, text="12个", value=12, unit="个")],
                   deadline=Deadline(start=ds, end=de, text="年底前", kind="by", end_date=date(2025, 12, 31))),
        Commitment(measure=TextSpan(start=m2s, end=m2e, text="完成改造"), modality="aspirational"),
    ]
    spans = [Span(start=s, end=e, label=lab) for s, e, lab in
             [(ms, me, "MEASURE"), (qs, qe, "QUANTITY"), (ds, de, "DEADLINE"), (m2s, m2e, "MEASURE")]]
    return Extraction(notice_id="tricky<&>", date=date(2025, 3, 1), text=t, spans=spans, commitments=commitments,
                      metadata={"issuer": "某区局", "region": {"city": "某市", "district": "某区"}, "level": "district"})


def extractions() -> list[Extraction]:
    """The rule extractor over the first annotated notices (tags stripped), plus the tricky notice."""
    extractor = Extractor.load("rules")
    out = [tricky()]
    for path in sorted(SOURCES.glob("*.txt"))[:24]:
        meta, body = split_front_matter(path.read_text(encoding="utf-8"), str(path))
        md = {k: str(v) for k, v in meta.items() if v is not None and k != "batch"}
        out.append(extractor.extract(Notice(id=md.pop("id", path.stem), text=parse(body.rstrip("\n")).text,
                                            date=date.fromisoformat(md["doc_date"]), metadata=md)))
    return out


def expected_groups(items: list[Extraction]) -> dict[str, dict[str, Any]]:
    groups: dict[str, dict[str, Any]] = {}
    for e in items:
        g = groups.setdefault(district_key(e.metadata.get("region")) or "(unknown)",
                              {"notices": 0, "commitments": 0, "quantified": 0, "dated": 0, "hedged": 0})
        g["notices"] += 1
        for c in e.commitments:
            g["commitments"] += 1
            g["quantified"] += any(q.role == "target" for q in c.quantities)
            g["dated"] += bool(c.deadline and c.deadline.end_date)
            g["hedged"] += c.modality in ("aspirational", "exploratory")
    return groups


# ---------------------------------------------------------------------------------------------- test

@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the browser test needs Debian's chromium package "
                    f"(run .ci/install-browser, or apt-get install -y chromium)", pytrace=False)
    b = Browser()
    try:
        b.open_page()
        yield b
    finally:
        b.close()


def _shots() -> Path | None:
    return Path(os.environ["REPORT_SCREENSHOTS"]) if os.environ.get("REPORT_SCREENSHOTS") else None


ROWS_JS = """JSON.stringify(Array.from(document.querySelectorAll('#groups-table tbody tr')).map(function (tr) {
  return {group: tr.getAttribute('data-group'), notices: tr.querySelector('td.notices').textContent,
          commitments: tr.querySelector('td.commitments').textContent,
          shares: Array.from(tr.querySelectorAll('td.share')).map(function (td) {
            return [td.querySelector('.v').textContent, td.querySelector('.k').textContent]; })};
}))"""


def test_report_and_review_pages_in_chromium(browser, tmp_path):
    items = extractions()
    source = tmp_path / "out.jsonl"
    source.write_text("".join(e.model_dump_json() + "\n" for e in items), encoding="utf-8")
    out = tmp_path / "report"
    build_report(source, out, "district", reps=200)
    shots = _shots() or tmp_path

    events = browser.navigate((out / "index.html").as_uri())
    assert problems(events) == []
    rows = json.loads(browser.evaluate(ROWS_JS))
    want = expected_groups(items)
    assert {r["group"] for r in rows} == set(want)
    for r in rows:
        w = want[r["group"]]
        assert (int(r["notices"]), int(r["commitments"])) == (w["notices"], w["commitments"]), r["group"]
        # columns: quantified, dated, vague, hedged
        for (shown, fraction), name in zip([r["shares"][0], r["shares"][1], r["shares"][3]],
                                           ["quantified", "dated", "hedged"]):
            assert fraction == f"{w[name]}/{w['commitments']}", (r["group"], name)
            assert shown == (f"{100 * w[name] / w['commitments']:.1f}%" if w["commitments"] else "–")
    cards = browser.evaluate("Array.from(document.querySelectorAll('#overall .v')).map(e => e.textContent)")
    assert cards[:2] == [str(len(items)), str(sum(len(e.commitments) for e in items))]
    assert browser.evaluate("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
    assert browser.evaluate("document.images.length") == 2
    # sorting by the Notices column works and raises nothing
    browser.evaluate("document.querySelectorAll('#groups-table thead th')[1].click()")
    counts = browser.evaluate("Array.from(document.querySelectorAll('#groups-table tbody td.notices'))"
                              ".map(td => +td.textContent)")
    assert counts == sorted(counts, reverse=True)
    assert problems(browser.drain()) == []
    browser.screenshot(shots / "report-index.png")

    events = browser.navigate((out / "notices.html").as_uri())
    assert problems(events) == []
    assert browser.evaluate("document.querySelectorAll('#notices-table tbody tr:not(:first-child)').length") \
        == len(items)

    names = page_names(e.notice_id for e in items)
    for e in [items[0], items[1]]:
        events = browser.navigate((out / "notices" / names[e.notice_id]).as_uri())
        assert problems(events) == []
        assert browser.evaluate("document.getElementById('text').textContent") == e.text
        marks = browser.evaluate("Array.from(document.querySelectorAll('mark.hl.first')).map(m => "
                                 "[m.dataset.label, +m.dataset.start, +m.dataset.end, m.textContent])")
        spans = {(s.start, s.end, s.label) for s in e.spans}
        assert {(s, end, lab) for lab, s, end, _ in marks} >= spans
        for lab, s, end, shown in marks:
            assert shown == e.text[s:end], (lab, s, end)   # none of these spans cross another
        assert browser.evaluate("document.querySelectorAll('#commitments tbody tr').length") == len(e.commitments)
        browser.evaluate("document.querySelector('#commitments tbody tr').click()")
        assert browser.evaluate("document.querySelector('mark.focus') !== null")
        assert problems(browser.drain()) == []
    browser.screenshot(shots / "report-review.png")
    assert (shots / "report-index.png").stat().st_size > 10_000
