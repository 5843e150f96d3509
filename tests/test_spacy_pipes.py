from datetime import date

from spacy import displacy

import extractor

TEXT = "下一步，我局将在2025年底前新建社区养老服务中心12个，力争全年培训护理人员不少于800人次。"


def test_load_returns_a_blank_zh_pipeline_with_spans_and_commitments():
    nlp = extractor.load(tagger="rules")
    assert nlp.lang == "zh" and nlp.pipe_names == ["commitments_tagger", "commitments_assembler"]
    doc = nlp.make_doc(TEXT)
    doc._.anchor_date = date(2025, 3, 1)
    doc = nlp(doc)
    labels = [(s.text, s.label_) for s in doc.spans["commitments"]]
    assert ("2025年底前", "DEADLINE") in labels and ("新建社区养老服务中心12个", "MEASURE") in labels
    measures = [c.measure.text for c in doc._.commitments]
    assert measures == ["新建社区养老服务中心12个", "培训护理人员不少于800人次"]
    assert doc._.commitments[1].deadline.start_date == date(2025, 1, 1)
    html = displacy.render(doc, style="span", options={"spans_key": "commitments"})
    assert "MEASURE" in html


def test_spans_match_the_batch_pipeline():
    from extractor.pipeline import Extractor
    from extractor.schema import Notice

    batch = Extractor.load("rules").extract(Notice(id="x", text=TEXT, date=date(2025, 3, 1)))
    doc = extractor.load(tagger="rules", anchor_date="2025-03-01")(TEXT)
    assert [(s.start_char, s.end_char, s.label_) for s in doc.spans["commitments"]] == [
        (s.start, s.end, s.label) for s in batch.spans]
