"""All of a campaign's documents in one zip: per candidate its 审批表 and 征求意见表, and the
campaign's 汇总表, 公示 notices, 表彰名单, 工作情况报告 and photos; optionally each .docx also as
PDF (LibreOffice, in batches). `progress(done, total)` is called as documents are finished."""
from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

from engine.documents import approval_form, decision_list, opinion_forms, photos, publicity, records, summary, work_report
from engine.documents.files import GeneratedFile, safe_name
from engine.documents.pdf import to_pdf
from engine.documents.postings import postings
from engine.errors import NotFound
from engine.people.access import Principal

PDF_BATCH = 40  # documents per LibreOffice start: one start costs ~2 s, a batch bounds the temp files


def campaign_bundle(services, principal: Principal, campaign_id: str, with_pdf: bool = False,
                    progress: Callable[[int, int], None] | None = None) -> GeneratedFile:
    campaign = records.campaign(services, principal, campaign_id, wide_only=True)
    found = postings(services, campaign)
    total = len(campaign.candidates) * 2 + len(found) + 4
    done = 0

    def tick(n: int = 1) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done, total)

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        pending: list[tuple[str, GeneratedFile]] = []

        def put(folder: str, generated: GeneratedFile) -> None:
            archive.writestr(f"{folder}/{generated.file_name}", generated.content)
            if with_pdf and generated.extension == "docx":
                pending.append((folder, generated))
                if len(pending) >= PDF_BATCH:
                    flush()

        def flush() -> None:
            for (folder, _g), converted in zip(pending, to_pdf([g for _f, g in pending])):
                archive.writestr(f"{folder}/{converted.file_name}", converted.content)
            pending.clear()

        for record in campaign.candidates:
            folder = f"推荐对象/{safe_name(record.unit)}/{safe_name(record.name)}-{record.id[:8]}"
            for render in (approval_form.render_record, _opinions):
                try:
                    put(folder, render(services, record))
                except NotFound:  # not filled in / not consulted yet: nothing to print
                    pass
                tick()
        for posting in found:
            put("公示", GeneratedFile(f"{safe_name(posting.title)}-{safe_name(posting.unit or '')}-"
                                      f"{posting.start.isoformat()}-{posting.id[:8]}.docx",
                                      publicity.notice(campaign.name, posting)))
            tick()
        put("汇总", summary.build(services, campaign))
        tick()
        put("汇总", decision_list.build(campaign))
        tick()
        put("汇总", work_report.build(services, campaign))
        tick()
        put("照片", photos.build(services, campaign))
        tick()
        flush()
    return GeneratedFile(f"{safe_name(campaign.name)}-全部材料.zip", out.getvalue())


def _opinions(services, record: records.CandidateRecord) -> GeneratedFile:
    return opinion_forms.render_record(services, record)
