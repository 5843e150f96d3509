"""Header metadata: the fields real notices carry, and the region and level from the issuing body."""

from extractor.ingest.header import parse_header, region_of

NOTICE = """索引号：11440305MB2C01478K/2025-00147　　分类：政协提案答复
发布机构：深圳市南山区教育局　　发文日期：2025-07-08
文号：深南教提〔2025〕23号
关于区政协七届四次会议第147号提案的答复
林晓燕委员：
　　您提出的提案收悉。下一步，我局将年底前新建学校4所。
深圳市南山区教育局
2025年7月8日
（联系人：陈立，联系电话：0755-26660000）"""


def test_header_fields():
    meta = parse_header(NOTICE)
    assert meta["index_no"] == "11440305MB2C01478K/2025-00147"
    assert meta["issuer"] == "深圳市南山区教育局"
    assert meta["doc_date"] == "2025-07-08"
    assert meta["doc_no"] == "深南教提〔2025〕23号"
    assert meta["title"] == "关于区政协七届四次会议第147号提案的答复"
    assert meta["meeting"] == "区政协七届四次会议" and meta["proposal_no"] == "147"
    assert meta["kind"] == "政协提案"
    assert meta["addressee"] == "林晓燕委员"
    assert meta["signature_body"] == "深圳市南山区教育局" and meta["signature_date"] == "2025-07-08"
    assert meta["contact"] == "陈立" and meta["phone"] == "0755-26660000"
    assert meta["region"] == {"city": "深圳市", "district": "南山区"} and meta["level"] == "district"


def test_suggestion_with_chinese_date_and_no_header():
    meta = parse_header("关于市十六届人大三次会议第0213号建议的答复\n王芳代表：\n内容。\n广州市交通运输局\n二〇二四年五月二十日")
    assert meta["kind"] == "人大建议" and meta["proposal_no"] == "0213"
    assert meta["signature_date"] == "2024-05-20"
    assert meta["region"] == {"city": "广州市"} and meta["level"] == "city"
    assert "doc_date" not in meta


def test_region_of_province_and_municipality():
    assert region_of("浙江省农业农村厅") == {"province": "浙江省"}
    assert region_of("上海市浦东新区民政局") == {"province": "上海市", "district": "浦东新区"}
    assert region_of("市卫生健康委") == {}
