"""Photos of a campaign's candidates in one zip, each named by the notice's rule
(documents.toml `photo_file_name`, e.g. 000 "{name}—{birth_date}.jpg", 003 "{employer}{name}.jpg")."""
from __future__ import annotations

import io
import zipfile

from engine.documents import records
from engine.documents.approval_form import recommendation_step
from engine.documents.display import get
from engine.documents.files import GeneratedFile, safe_name
from engine.documents.variant_docs import variant_docs
from engine.errors import NotFound
from engine.people.access import Principal


def file_name(rule: str, record: records.CandidateRecord, form: dict) -> str:
    """The rule's fields: name, birth_date (YYYYMMDD from the ID card), employer, unit."""
    id_card = str(get(form, "person.id_card") or "")
    birth = id_card[6:14] if len(id_card) == 18 else str(get(form, "person.birth_month") or "").replace(".", "")
    values = {"name": get(form, "person.name") or record.name, "birth_date": birth,
              "employer": get(form, "person.employer") or record.unit, "unit": record.unit}
    return safe_name(rule.format(**values).rsplit(".", 1)[0]) + "." + rule.rsplit(".", 1)[-1]


def render(services, principal: Principal, campaign_id: str, unit: str | None = None) -> GeneratedFile:
    return build(services, records.campaign(services, principal, campaign_id, unit))


def build(services, campaign: records.CampaignRecord) -> GeneratedFile:
    docs = variant_docs(services.settings.forms_dir, campaign.variant)
    out, used = io.BytesIO(), set()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:  # JPEGs do not compress
        for record in campaign.candidates:
            try:
                form = recommendation_step(docs, record).data
            except NotFound:
                continue
            content = records.photo(services, record, form)
            if content is None:
                continue
            name = file_name(docs.photo_file_name, record, form)
            stem, ext, n = name.rsplit(".", 1)[0], name.rsplit(".", 1)[1], 2
            while name in used:  # two candidates of one name: keep both
                name, n = f"{stem}（{n}）.{ext}", n + 1
            used.add(name)
            archive.writestr(name, content)
    return GeneratedFile(f"{safe_name(campaign.name)}-照片.zip", out.getvalue())
