"""Whether a text reads as a work report rather than a reply: the hybrid picks its measure policy by it.

A reply (to a citizen's message, a proposal or a suggestion) addresses its reader or names the message
it answers; a work report, or a section of one, does neither. Measured on ``../shared/corpus``: the
markers below occur in 2,458 of its 2,526 replies, and 20 replies of 400 characters or more have none;
they occur in 22 of 1,020 report windows of 1,500 characters (群众反映的问题, 网民素养…), which then
keep the reply policy. Short texts keep it too: too little evidence either way, and the reply policy is
the one the rules lead.
"""

from __future__ import annotations

import re

REPLY_MARKERS = re.compile(
    r"您|你好|你们|你单位|网友|网民|留言|来信|来电|收悉|答复如下|回复如下|现答复|现回复|特此回复|特此答复|"
    r"的回复|经调查|经查|经核实|经了解|反映的")
MIN_REPORT_CHARS = 400


def reads_as_report(text: str) -> bool:
    return len(text) >= MIN_REPORT_CHARS and REPLY_MARKERS.search(text) is None
