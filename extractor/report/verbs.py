"""The head verb of a measure, for "most frequent measure verbs": the earliest verb from a fixed lexicon
of policy verbs that occurs in the measure text (longest first at one position). Prepositions and
framing words that often open a measure (会同, 按照, 在…, 对…, 依托, 通过) are deliberately not in the
lexicon, so the scan goes past them to the verb they introduce. Measures with no lexicon verb count as
OTHER. A lexicon, not a parser: cheap, deterministic, and the same on every machine.
"""

from __future__ import annotations

import re

OTHER = "(其他)"

_TABLE = """
推动 推进 推行 推广 完成 新增 新建 建立 建成 建设 组织 实现 引导 开展 支持 实施 配合 指导 培训 研究 探索
鼓励 深化 落实 加强 完善 培育 制定 举办 加快 明确 督促 出台 扩大 健全 启动 加大 修订 引进 强化 打造
统筹 改造 上线 坚持 优化 编制 试点 邀请 协调 安排 组建 发展 用好 实行 规范 配备 编印 升级 畅通 覆盖
提升 提高 降低 减少 简化 增加 开通 设立 设置 改扩建 扩建 新改建 整治 治理 排查 检查 查处 打击 查办
巩固 保障 争取 申报 拓展 延伸 整合 共享 部署 投入 下达 安装 布设 更新 更换 新开 开设 开辟 增设 增补
补齐 补贴 奖励 资助 发放 给予 纳入 列入 建好 用足 落地 解决 处理 办理 受理 回应 答复 宣传 普及 教育
调研 论证 评估 考核 监测 监督 监管 跟踪 核查 清理 摸底 梳理 修复 维修 维护 清运 收集 回收 处置 建立健全
推出 印发 发布 抽检 扩展 公开 提供 做好 保持 通报 反馈 下线 稳定 突破 控制 达到 储备 推送 压缩 公布
盘活 挖掘 夯实 挂牌 营造 执行 摸排 召开 加密 试行 签订 改进 减免 采取 翻建 规划 增长 开放 整改 做实
"""
VERBS = tuple(sorted(set(_TABLE.split()), key=lambda v: (-len(v), v)))

_VERB_RE = re.compile("|".join(map(re.escape, VERBS)))


def head_verb(measure: str) -> str:
    """The earliest lexicon verb in ``measure`` (the longest one where several start at one place)."""
    match = _VERB_RE.search(measure)
    return match.group(0) if match else OTHER
