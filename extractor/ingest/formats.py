"""Document formats to plain text: government web pages (.html/.htm), Word (.docx) and PDF.

What a file *is* is decided by its bytes, not its name: a .txt holding a PDF is read as a PDF, a .pdf that
is really the site's HTML error page as HTML. Each reader returns (text, metadata) or raises DecodeError
with a reason a user can act on. The text keeps one paragraph per line, as the .txt notices do, so the
header parser and the segmenter see the same shape whatever the source.
"""

from __future__ import annotations

import io
import re
import zipfile

from extractor.ingest.decode import DecodeError, decode_bytes

MAGIC = [
    (b"%PDF-", "pdf"), (b"PK\x03\x04", "zip"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"\x89PNG", "png"), (b"\xff\xd8\xff", "jpeg"), (b"GIF8", "gif"), (b"\x1f\x8b", "gzip"),
    (b"Rar!", "rar"), (b"7z\xbc\xaf", "7z"), (b"PAR1", "parquet"),
]
NOT_NOTICES = {"png": "a PNG image", "jpeg": "a JPEG image", "gif": "a GIF image", "gzip": "a gzip archive",
               "rar": "a RAR archive", "7z": "a 7-Zip archive", "parquet": "a Parquet file (name it .parquet)",
               "ole": "a legacy Word/Excel file (.doc/.xls): save it as .docx or .txt"}
_HTML_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b",
                         re.IGNORECASE | re.DOTALL)
PARA_LIMIT = 50_000  # paragraphs per document: more means the file is not a notice


def sniff(data: bytes) -> str:
    """'pdf', 'docx', 'html', 'text', or a key of NOT_NOTICES."""
    head = data[:1024]
    for magic, kind in MAGIC:
        if head.startswith(magic) or (kind == "pdf" and magic in head):
            if kind == "zip":
                return "docx" if _is_docx(data) else "zip"
            return kind
    probe = head.lstrip(b"\xef\xbb\xbf")
    if _HTML_START.match(probe) or _HTML_START.match(_ascii_of_utf16(probe)):
        return "html"
    return "text"


def _ascii_of_utf16(head: bytes) -> bytes:
    return head.replace(b"\x00", b"").lstrip(b"\xff\xfe").lstrip(b"\xfe\xff")


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "word/document.xml" in z.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _lines(paragraphs) -> str:
    out = []
    for p in paragraphs:
        p = re.sub(r"[ \r\f\v\u00a0]+", " ", p).strip(" \t\u3000")
        if p:
            out.append(p)
    return "\n".join(out)


# ---------------------------------------------------------------- HTML
_NOISE_TAGS = ["script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "button",
               "select", "input", "svg", "template", "object", "embed"]
_NOISE_ATTR = re.compile(r"(?:^|[-_ ])(?:nav|navbar|menu|breadcrumbs?|crumbs?|position|location|footer|foot|"
                         r"bottom|copyright|share|sidebar|side|banner|toolbar|search|login|related|links?|"
                         r"friend|pager|print|topbar|top-bar|header|head|skip|qrcode|ewm)(?:$|[-_ ]|\d)", re.IGNORECASE)
_NOISE_TEXT = re.compile(r"^(?:当前位置|您当前的位置|您现在的位置|首页\s*[>＞»]|【?打印|【?关闭|分享到|扫一扫|"
                         r"主办单位|承办单位|网站标识码|[京沪津渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]ICP备|"
                         r"ICP备|公网安备|版权所有|技术支持|联系我们|网站地图|无障碍|字号[：:]|【字体|浏览次数|"
                         r"上一篇|下一篇|相关链接|相关文章|返回顶部)")
_BODY_HINTS = ["#zoom", ".TRS_Editor", "#UCAP-CONTENT", ".article-content", ".pages_content", ".view",
               "#content", ".content", ".article", ".detail", "article", "main", "[role=main]"]
_BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article",
           "blockquote", "pre", "dd", "dt", "ul", "ol", "center"}
META_FIELDS = {"ArticleTitle": "title", "PubDate": "doc_date", "ContentSource": "issuer", "firstpublishedtime": "doc_date",
               "Keywords": "keywords"}
HEADER_LABELS = ("索引号", "发布机构", "发文机关", "发文单位", "发文日期", "成文日期", "发布日期", "文号", "发文字号",
                 "主题分类", "分类", "主题词", "名称", "标题")


def _declared_charset(data: bytes) -> str | None:
    m = re.search(rb"<meta[^>]+charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", data[:4096], re.IGNORECASE)
    return m.group(1).decode("ascii") if m else None


def read_html(data: bytes, max_bytes: int) -> tuple[str, dict[str, object]]:
    from bs4 import BeautifulSoup

    markup, encoding = decode_bytes(data, max_bytes, hint=_declared_charset(data))
    soup = BeautifulSoup(markup, "lxml")
    meta: dict[str, object] = {"encoding": encoding}
    for tag in soup.find_all("meta"):
        name, content = tag.get("name"), (tag.get("content") or "").strip()
        if name in META_FIELDS and content:
            meta.setdefault(f"page_{META_FIELDS[name]}", content)
    page_title = soup.title.get_text(" ", strip=True) if soup.title else ""
    fields = _header_fields(soup)
    for tag in soup.find_all(_NOISE_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if getattr(tag, "decomposed", False):
            continue
        attrs = " ".join([tag.get("id") or "", *(tag.get("class") or [])]) if tag.attrs else ""
        if attrs and _NOISE_ATTR.search(attrs) and tag.name not in ("body", "html"):
            tag.decompose()
    body = _body(soup)
    paragraphs = [p for p in _paragraphs(body) if not _NOISE_TEXT.match(p.strip(" \u3000"))]
    title = _title(soup, meta, page_title)
    if title and not any(title in p for p in paragraphs[:5]):
        paragraphs.insert(0, title)
    head = [f"{label}：{value}" for label, value in fields if not any(label in p for p in paragraphs[:8])]
    text = _lines(head + paragraphs)
    if not text.strip():
        raise DecodeError("no article text found in the HTML page")
    if page_title:
        meta["page_title"] = page_title
    return text, meta


def _header_fields(soup) -> list[tuple[str, str]]:
    """The 政府信息公开 table above the article: 索引号 / 发布机构 / 发文日期 / 文号 … as (label, value)."""
    out: list[tuple[str, str]] = []
    seen = set()
    for node in soup.find_all(string=re.compile("|".join(HEADER_LABELS))):
        label_text = node.strip().rstrip("：: \u3000")
        label = next((lb for lb in HEADER_LABELS if label_text.endswith(lb) and len(label_text) <= len(lb) + 2), None)
        inline = re.match(rf"^\s*({'|'.join(HEADER_LABELS)})\s*[：:]\s*(\S.*)$", node.strip())
        if inline and inline.group(1) not in seen:
            out.append((inline.group(1), inline.group(2).strip()))
            seen.add(inline.group(1))
            continue
        if not label or label in seen or node.parent is None:
            continue
        cell = node.parent if node.parent.name in ("td", "th", "span", "label", "b", "strong", "dt") else None
        value_node = cell.find_next_sibling() if cell is not None else None
        value = value_node.get_text(" ", strip=True) if value_node is not None else ""
        if value and len(value) <= 80:
            out.append((label, value))
            seen.add(label)
    return [(lb, v) for lb, v in out if lb not in ("名称", "标题")]


def _body(soup):
    for selector in _BODY_HINTS:
        found = [t for t in soup.select(selector) if len(_cjk(t.get_text())) >= 40]
        if found:
            return max(found, key=lambda t: len(_cjk(t.get_text())))
    best, best_score = soup.body or soup, -1.0
    for tag in soup.find_all(["div", "td", "section", "article"]):
        text = _cjk(tag.get_text())
        links = sum(len(_cjk(a.get_text())) for a in tag.find_all("a"))
        score = len(text) - 2 * links
        if score > best_score and len(text) >= 40:
            best, best_score = tag, score
    return best


def _cjk(text: str) -> str:
    return re.sub(r"[^\u4e00-\u9fff]", "", text)


def _paragraphs(root) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    for el in root.descendants:
        name = getattr(el, "name", None)
        if name is None:
            current.append(str(el))
        elif name in _BLOCKS:
            parts.append("".join(current))
            current = []
        if len(parts) > PARA_LIMIT:
            raise DecodeError("HTML page too large to be one notice (over 50,000 paragraphs)")
    parts.append("".join(current))
    return [p for p in (re.sub(r"\s+", " ", p).strip(" \u3000") for p in parts) if p]


def _title(soup, meta: dict, page_title: str) -> str:
    for tag in soup.find_all(["h1", "h2"]):
        t = tag.get_text(" ", strip=True)
        if len(_cjk(t)) >= 4:
            return t
    return str(meta.get("page_title") or page_title.split("_")[0].split("-")[0]).strip()


# ---------------------------------------------------------------- DOCX
def read_docx(data: bytes, max_bytes: int) -> tuple[str, dict[str, object]]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            unpacked = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DecodeError(f"not a valid .docx (broken ZIP: {exc})") from exc
    if unpacked > 10 * max_bytes:
        raise DecodeError(f"docx unpacks to {unpacked / 1e6:.0f} MB, over the limit (a ZIP bomb?)")
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise DecodeError(f"not a valid .docx: {exc}") from exc
    except Exception as exc:  # lxml errors on damaged XML, among others
        raise DecodeError(f"cannot read .docx: {exc!r}") from exc
    paragraphs = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraphs.append("".join(t.text or "" for t in child.iter() if t.tag.endswith("}t")))
        elif tag == "tbl":
            for row in child.iter():
                if row.tag.endswith("}tr"):
                    cells = ["".join(t.text or "" for t in cell.iter() if t.tag.endswith("}t"))
                             for cell in row if cell.tag.endswith("}tc")]
                    paragraphs.append("\t".join(c.strip() for c in cells if c.strip()))
    meta: dict[str, object] = {}
    props = document.core_properties
    if props.title:
        meta["doc_title"] = props.title
    text = _lines(paragraphs)
    if not text:
        raise DecodeError("the .docx holds no text")
    return text, meta


# ---------------------------------------------------------------- PDF
_PAGE_NUMBER = re.compile(r"^\s*(?:[-—－–]\s*\d{1,4}\s*[-—－–]|第\s*\d{1,4}\s*页(?:\s*[，,/共]\s*共?\s*\d+\s*页)?|"
                          r"\d{1,4}\s*/\s*\d{1,4}|\d{1,4})\s*$")


def read_pdf(data: bytes, max_bytes: int) -> tuple[str, dict[str, object]]:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DecodeError("encrypted PDF (password protected)")
        pages = [page.extract_text() or "" for page in reader.pages]
    except DecodeError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError,
            OSError, AssertionError, ZeroDivisionError) as exc:
        raise DecodeError(f"corrupt or unreadable PDF: {exc!r}") from exc
    lines = [ln for page in pages for ln in page.splitlines() if not _PAGE_NUMBER.match(ln)]
    text = _lines(_reflow(lines))
    if not text:
        raise DecodeError(f"the PDF has no text layer ({len(pages)} pages; a scan? OCR it first)")
    meta: dict[str, object] = {"pages": len(pages)}
    title = (reader.metadata or {}).get("/Title") if reader.metadata else None
    if isinstance(title, str) and title.strip():
        meta["doc_title"] = title.strip()
    return text, meta


_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.、．]|第[一二三四五六七八九十]+|"
                      r"[一二三四五六七八九十]是)")
_PARA_END = re.compile(r"[。！？：:；;）)」”]\s*$")


def _reflow(lines: list[str]) -> list[str]:
    """PDF text comes as visual lines; a line that fills the page width continues on the next one."""
    lines = [ln.strip() for ln in lines if ln.strip()]
    if not lines:
        return []
    lengths = sorted(len(ln) for ln in lines)
    width = lengths[int(0.9 * (len(lengths) - 1))] if len(lengths) >= 10 else lengths[-1]
    out: list[str] = []
    previous = ""
    for ln in lines:
        full = len(previous) >= max(10, 0.85 * width)
        if out and full and not _PARA_END.search(previous) and not _HEADING.match(ln):
            out[-1] += ln
        else:
            out.append(ln)
        previous = ln
    return out


READERS = {"html": read_html, "docx": read_docx, "pdf": read_pdf}
