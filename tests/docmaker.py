"""Test documents built in memory: a text PDF (CJK through a ToUnicode map, no font file), a .docx, and a
government web page with navigation, an information table, the article and a footer."""

from __future__ import annotations

import io


def make_pdf(lines: list[str]) -> bytes:
    chars = sorted({ch for line in lines for ch in line})
    content = "BT /F1 12 Tf 50 800 Td 16 TL\n" + "".join(
        f"<{''.join(f'{ord(c):04X}' for c in line)}> Tj T*\n" for line in lines) + "ET"
    blocks = [chars[i:i + 100] for i in range(0, len(chars), 100)]
    cmap = ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CIDSystemInfo << /Registry (Adobe) "
            "/Ordering (UCS) /Supplement 0 >> def /CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
            "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
            + "".join(f"{len(b)} beginbfchar\n" + "".join(f"<{ord(c):04X}> <{ord(c):04X}>\n" for c in b)
                      + "endbfchar\n" for b in blocks)
            + "endcmap CMapName currentdict /CMap defineresource pop end end")
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        ("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
         "/Contents 4 0 R >>"),
        f"<< /Length {len(content.encode())} >>\nstream\n{content}\nendstream",
        ("<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H "
         "/DescendantFonts [6 0 R] /ToUnicode 7 0 R >>"),
        ("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) "
         "/Ordering (Identity) /Supplement 0 >> /DW 1000 >>"),
        f"<< /Length {len(cmap.encode())} >>\nstream\n{cmap}\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n{obj}\nendobj\n".encode())
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    out.write("".join(f"{o:010d} 00000 n \n" for o in offsets).encode())
    out.write(f"trailer << /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def make_docx(paragraphs: list[str], table: list[list[str]] | None = None, title: str | None = None) -> bytes:
    import docx

    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    if table:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for i, row in enumerate(table):
            for j, cell in enumerate(row):
                t.cell(i, j).text = cell
    section = document.sections[0]
    section.header.paragraphs[0].text = "页眉：某某局政务公开"
    if title:
        document.core_properties.title = title
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


GOV_PAGE = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<meta name="ArticleTitle" content="关于市政协十三届四次会议第118号提案的答复">
<meta name="PubDate" content="2025-06-18">
<title>关于市政协十三届四次会议第118号提案的答复_市民政局</title>
<script>var nav = "首页";</script><style>.x{{color:red}}</style></head>
<body>
<div class="top-nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li><li><a>互动交流</a></li></ul></div>
<div class="breadcrumb">当前位置：首页 &gt; 政务公开 &gt; 建议提案办理</div>
<table class="xxgk_table"><tr><td>索引号：</td><td>11330100002482123B/2025-00118</td>
<td>发布机构：</td><td>杭州市民政局</td></tr>
<tr><td>发文日期：</td><td>2025-06-18</td><td>文号：</td><td>杭民提〔2025〕8号</td></tr></table>
<h1>关于市政协十三届四次会议第118号提案的答复</h1>
<div id="zoom" class="TRS_Editor">
<p>王某某委员：</p>
<p>　　您提出的关于加快社区养老服务设施建设的提案收悉，现答复如下：</p>
<p>　　一、下一步工作</p>
<p>　　下一步，我局将年底前新建社区养老服务中心12个，力争2026年6月底前实现街道全覆盖。</p>
<p>　　感谢您对民政工作的关心和支持。</p>
<p style="text-align:right">杭州市民政局<br>2025年6月18日</p>
</div>
<div class="share">分享到：微信 微博</div>
<div class="related"><h3>相关链接</h3><a href="#">国务院</a><a href="#">省政府</a></div>
<div id="footer"><p>主办单位：杭州市民政局 网站标识码：3301000012</p><p>浙ICP备05012345号</p></div>
</body></html>
"""


def make_gov_page(charset: str = "utf-8") -> bytes:
    return GOV_PAGE.format(charset=charset).encode("gb18030" if charset.lower() in ("gbk", "gb2312") else charset)
