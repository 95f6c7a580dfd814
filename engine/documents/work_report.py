"""推荐工作情况报告 (.docx), drafted from the campaign's history for the office to finish:
organisation, process, opinions collected, publicity, objections and how they ended, ratio
overrides with their reasons, and the recommendation."""
from __future__ import annotations

import io
from collections import Counter

from docx import Document

from engine.config import TIMEZONE
from engine.documents import docx_style as style
from engine.documents import records
from engine.documents.chain import override_of
from engine.documents.display import cn_date
from engine.documents.files import GeneratedFile, safe_name
from engine.documents.opinion_forms import OPINION_FORM
from engine.documents.postings import postings
from engine.people.access import Principal

VERIFICATION_FORM = "common/objection_verification.json"
REVIEW_FORM = "common/review_decision.json"


def render(services, principal: Principal, campaign_id: str) -> GeneratedFile:
    return build(services, records.campaign(services, principal, campaign_id, wide_only=True))


def build(services, campaign: records.CampaignRecord) -> GeneratedFile:
    candidates = campaign.candidates
    config = campaign.config
    document = Document()
    style.setup(document)
    style.title(document, f"关于{campaign.name}的推荐工作情况报告", style.HEADING_SIZE)
    style.line(document)

    def heading(text):
        style.line(document, text, font=style.TITLE_FONT)

    def para(text):
        style.line(document, "　　" + text)

    heading("一、推荐工作组织情况")
    units = sorted({c.unit for c in candidates})
    first = min((c.created_at for c in candidates), default=campaign.created_at).astimezone(TIMEZONE).date()
    para(f"根据《{config.get('title', campaign.name)}》（{config.get('notice', '')}）要求，本次评选自"
         f"{cn_date(first.isoformat())}开始推荐，共有{len(units)}个推荐单位推荐"
         f"{len(candidates)}个推荐对象（{_counts(candidates, lambda c: c.award_label)}）。")
    heading("二、推荐过程")
    stages: dict[str, list] = {}
    for candidate in candidates:
        for step in candidate.steps:
            if step.form == REVIEW_FORM:
                stages.setdefault(step.title, []).append((step, candidate))
    for title, items in stages.items():
        days = sorted(s.data.get("date") or s.day for s, _c in items)
        passed = sum(1 for s, c in items if _decision(s, c.id) == "通过")
        para(f"{title}：{cn_date(days[0])}至{cn_date(days[-1])}，审核{len(items)}个推荐对象，通过{passed}个。")
    heading("三、征求意见情况")
    opinions = [(s, c) for c in candidates for s in c.steps_with_form(OPINION_FORM)]
    adverse = [(s, c) for s, c in opinions if (s.data.get("opinion") or {}).get("adverse")]
    para(f"按照管理权限，共向{len({s.data.get('department') or s.unit for s, _c in opinions})}个部门征求意见"
         f"{len(opinions)}份，其中否定意见{len(adverse)}份。")
    for step, candidate in adverse:
        para(f"{step.data.get('department') or step.unit}对{candidate.name}（{candidate.unit}）出具否定意见："
             f"{(step.data.get('opinion') or {}).get('reason') or (step.data.get('opinion') or {}).get('opinion', '')}。")
    heading("四、公示情况")
    for posting in postings(services, campaign):
        who = f"（{posting.unit}）" if posting.unit else ""
        para(f"{posting.title}{who}：{cn_date(posting.start.isoformat())}至{cn_date(posting.last_day.isoformat())}"
             f"（{posting.working_days}个工作日），范围：{posting.form.get('scope', '')}，公示推荐对象"
             f"{len(posting.candidates)}个。")
    heading("五、异议及处理情况")
    objections = [(o, c) for c in candidates for o in c.objections]
    findings = [(s, c) for c in candidates for s in c.steps_with_form(VERIFICATION_FORM)]
    para(f"公示期间共收到异议{len(objections)}件，核实{len(findings)}件。" if objections else "公示期间未收到异议。")
    for step, candidate in findings:
        upheld = "属实" if step.data.get("upheld") else "不属实"
        para(f"关于{candidate.name}的异议：{step.data.get('finding', '')}经核实{upheld}，"
             f"{step.data.get('handling') or step.data.get('reason', '')}")
    heading("六、突破比例情况")
    overrides = [(s, c, o) for c in candidates for s in c.steps if (o := override_of(s.data)).get("reason")]
    if not overrides:
        para("无。")
    for step, candidate, override in overrides:
        breaches = f"（{'；'.join(override['breaches'])}）" if override.get("breaches") else ""
        para(f"{step.title}通过{candidate.name}时突破通知规定{breaches}，理由：{override['reason']}。")
    heading("七、推荐意见")
    para(f"结果：{_counts(candidates, lambda c: c.outcome or '进行中')}。")
    awarded = [c for c in candidates if c.outcome == "表彰"]
    if awarded:
        para("拟表彰（推荐）对象：" + "、".join(f"{c.name}（{c.unit}）" for c in awarded) + "。")
    style.line(document)
    para("其他需要说明的情况：（请专班办公室补充）")
    out = io.BytesIO()
    document.save(out)
    return GeneratedFile(f"{safe_name(campaign.name)}-推荐工作情况报告.docx", out.getvalue())


def _decision(step: records.Step, candidate_id: str) -> str:
    mine = [d for d in step.data.get("decisions", []) if d.get("candidate_id") == candidate_id]
    return mine[0].get("decision", "") if mine else ""


def _counts(candidates, key) -> str:
    return "，".join(f"{k}{n}个" for k, n in Counter(key(c) for c in candidates).items()) or "无"
