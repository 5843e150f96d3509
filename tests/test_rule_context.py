"""The context checks of rules/context.py that decide whether a time expression is a deadline here."""

import pytest

from extractor.rules.context import deadline_context


def _reason(text: str, span: str) -> str | None:
    start = text.index(span)
    return deadline_context(text, start, start + len(span))


@pytest.mark.parametrize("text, span", [
    ("将审批时限压缩至3个工作日内。", "3个工作日内"),
    ("办结时间控制在两个月内。", "两个月内"),
])
def test_a_duration_after_a_time_limit_noun_is_the_target_value(text, span):
    assert "QUANTITY" in _reason(text, span)


@pytest.mark.parametrize("text, span", [
    ("该工程预计完成时间为2026年12月底。", "2026年12月底"),  # a date, not a duration
    ("计划完成时间为10月31日。", "10月31日"),
])
def test_a_date_after_a_time_limit_noun_is_still_a_deadline(text, span):
    assert _reason(text, span) is None


@pytest.mark.parametrize("text, span, word", [
    ("执法队已责令该店在3个工作日内清理。", "3个工作日内", "order"),
    ("街道已要求物业公司尽快修复门禁。", "尽快", "order"),
    ("开发商应当自收到通知之日起15日内退还定金。", "15日内", "binds"),
    ("备案机构须在30日内完成备案。", "30日内", "binds"),
    ("服务大厅星期一至星期五对外开放。", "星期五", "weekly schedule"),
    ("同年12月份报送了材料。", "12月份", "event told before"),
    ("将该路段纳入2027年农村公路建设计划。", "2027年", "names the plan"),
])
def test_time_limits_that_are_not_this_bodys_deadline(text, span, word):
    assert word in _reason(text, span)


def test_this_bodys_promise_to_ask_keeps_its_deadline():
    assert _reason("下一步，我们将要求施工方尽快完成修复。", "尽快") is None


def test_a_document_appended_after_the_signature_date_holds_no_measure():
    from datetime import date

    from extractor.pipeline import Extractor
    from extractor.schema import Notice

    reply = "下一步，我局将修订扶持办法。某县农业局2019年1月7日"
    appended = "附：某县扶持办法（2016年）二、工作措施。建设特色农产品展销中心3个。"
    got = Extractor.load("rules").extract(Notice(id="a", text=reply + appended, date=date(2019, 1, 10)))
    assert [s.end <= len(reply) for s in got.spans] == [True] * len(got.spans) and got.spans
    reasons = {r.reason for r in got.rejections if r.start >= len(reply)}
    assert any("appended" in r for r in reasons), reasons
    # 附近 after a date is a place, not an attachment.
    near = Extractor.load("rules").extract(Notice(id="b", text="下一步，将于2019年1月7日附近路段新建公交站台2个。",
                                                  date=date(2019, 1, 5)))
    assert not any("appended" in r.reason for r in near.rejections)
