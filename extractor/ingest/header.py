"""Metadata from the fields real reply notices carry: 索引号, 发布机构, 发文日期, 文号, the title with the
proposal or suggestion number and meeting, the addressee, the signature block and its date, the
contact line, and the region and level derived from the issuing body's name.

Only the head (first lines) and tail (last lines) are searched, so body text never leaks in.
"""

from __future__ import annotations

import re
from datetime import date

import cn2an

DATE = r"(?P<y>(?:19|20)\d{2})\s*[-年/.]\s*(?P<m>\d{1,2})\s*[-月/.]\s*(?P<d>\d{1,2})\s*日?"
_CN_DIGITS = "〇零一二三四五六七八九"
CN_DATE = rf"(?P<cy>[{_CN_DIGITS}]{{4}})年(?P<cm>[十{_CN_DIGITS}]{{1,2}})月(?P<cd>[十{_CN_DIGITS}]{{1,3}})日"
FIELD = r"\s*[：:]\s*"
MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")


def parse_date(text: str) -> date | None:
    m = re.search(DATE, text)
    if m:
        try:
            return date(int(m["y"]), int(m["m"]), int(m["d"]))
        except ValueError:
            return None
    m = re.search(CN_DATE, text)
    if m:
        try:
            return date(_cn_int(m["cy"], year=True), _cn_int(m["cm"]), _cn_int(m["cd"]))
        except (ValueError, KeyError):  # 十十月 and other garbled numerals are no date
            return None
    return None


def _cn_int(s: str, year: bool = False) -> int:
    """二〇二五 (a year, written digit by digit) or 十二 / 二十一 (through cn2an)."""
    if year:
        return int(s.translate(_YEAR_DIGITS))
    return int(cn2an.cn2an(s, "smart"))


_YEAR_DIGITS = str.maketrans({c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0"})


def _field(head: str, names: str) -> str | None:
    # A value runs to the next whitespace: several fields often share one line.
    m = re.search(rf"(?:{names}){FIELD}([^\s：:，,；;]+)", head)
    return m.group(1) if m else None


def region_of(body: str | None) -> dict[str, str]:
    if not body:
        return {}
    out: dict[str, str] = {}
    m = re.search(r"([\u4e00-\u9fff]{2,7}?(?:省|自治区))", body)
    if m:
        out["province"] = m.group(1)
    for muni in MUNICIPALITIES:
        if body.startswith(muni):
            out["province"] = muni
    rest = body[len(out.get("province", "")):] if body.startswith(out.get("province", "\0")) else body
    m = re.match(r"([\u4e00-\u9fff]{2,5}?(?:市|自治州|州|盟))", rest)
    if m and m.group(1) not in MUNICIPALITIES:
        out["city"] = m.group(1)
        rest = rest[len(m.group(1)):]
    m = re.match(r"([\u4e00-\u9fff]{1,6}?(?:区|县|旗))(?!域)", rest)
    if m:
        out["district"] = m.group(1)
    return out


def level_of(body: str | None, region: dict[str, str]) -> str | None:
    if not body:
        return None
    if "district" in region:
        return "district"
    if "城区" not in body and re.match(r"^(?:区|县)", body):
        return "district"
    if "厅" in body or (region.get("province") and "city" not in region):
        return "province"
    if "city" in region or body.startswith("市"):
        return "city"
    return None


def parse_header(text: str) -> dict[str, object]:
    """Fields found in the notice; absent fields are left out, never guessed."""
    lines = text.splitlines()
    head = "\n".join(lines[:12])
    tail = "\n".join(lines[-8:])
    meta: dict[str, object] = {}
    for key, names in (("index_no", "索引号"), ("issuer", "发布机构|发文机关|发文单位"), ("category", "分类|主题分类"),
                       ("doc_no", "文号|发文字号")):
        value = _field(head, names)
        if value:
            meta[key] = value
    m = re.search(rf"(?:发文日期|成文日期|发布日期){FIELD}(.{{0,20}})", head)
    if m and parse_date(m.group(1)):
        meta["doc_date"] = parse_date(m.group(1)).isoformat()
    title = next((ln.strip() for ln in lines[:12] if re.search(r"(?:提案|建议|议案).{0,6}(?:的)?(?:答复|回复|复函)", ln)
                  and not re.search(r"[：:]", ln)), None)
    if title:
        meta["title"] = title
        m = re.search(r"关于(.{2,24}?会议)", title)
        if m:
            meta["meeting"] = m.group(1)
        m = re.search(r"第\s*([0-9０-９]+)\s*号", title)
        if m:
            meta["proposal_no"] = m.group(1)
        meta["kind"] = "政协提案" if ("提案" in title or "政协" in title) else "人大建议"
    addressee = next((ln.strip() for ln in lines[:15]
                      if re.fullmatch(r"\s*[\u4e00-\u9fff、·]{2,30}(?:委员|代表|委员会|同志|等|会|党|联)[们]?[：:]\s*", ln)), None)
    if addressee:
        meta["addressee"] = addressee.rstrip("：:").strip()
    m = re.search(r"联系人\s*[：:]\s*([\u4e00-\u9fff·]{2,6})", tail)
    if m:
        meta["contact"] = m.group(1)
    m = re.search(r"(?:联系)?电话\s*[：:]\s*([0-9０-９\-－—() （）]{7,20}[0-9])", tail)
    if m:
        meta["phone"] = m.group(1).strip()
    signature = _signature(lines)
    if signature:
        meta.update(signature)
    issuer = meta.get("issuer") or meta.get("signature_body")
    region = region_of(issuer if isinstance(issuer, str) else None)
    if region:
        meta["region"] = region
    level = level_of(issuer if isinstance(issuer, str) else None, region)
    if level:
        meta["level"] = level
    return meta


def _signature(lines: list[str]) -> dict[str, str]:
    """The body and date lines of the signature block (the last date-only line near the end)."""
    for i in range(len(lines) - 1, max(-1, len(lines) - 8), -1):
        line = lines[i].strip()
        if re.fullmatch(rf"(?:{DATE}|{CN_DATE})", line):
            out = {"signature_date": parse_date(line).isoformat()} if parse_date(line) else {}
            body = lines[i - 1].strip() if i > 0 else ""
            if body and len(body) <= 30 and re.search(r"(?:局|委|厅|办|院|会|府|处|中心|馆|社|队)$", body):
                out["signature_body"] = body
            return out
    return {}
