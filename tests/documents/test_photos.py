"""Photos zip: each photo under the notice's naming rule, the bytes as uploaded."""
from __future__ import annotations

import io
import zipfile

from engine.documents import photos, records
from engine.forms.uploads import Upload
from tests.documents.helpers import OFFICE, campaign, nominate_filled, staff
from tests.scenarios.test_003 import V003


def names_and_bytes(generated) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(generated.content))
    return {n: archive.read(n) for n in archive.namelist()}


def test_000_names_photos_name_and_birth_date(services, decided_000):
    got = names_and_bytes(photos.render(services, OFFICE, decided_000["campaign"]))
    assert list(got) == ["李建国—19800505.jpg"]  # the collective has no photo
    record = records.candidate(services, OFFICE, decided_000["individual"])
    form = next(s for s in record.steps if s.form == "000/recommend_individual.json").data
    with services.db.transaction(write=False) as session:
        assert got["李建国—19800505.jpg"] == session.get(Upload, form["photo"]["upload_id"]).content
    assert names_and_bytes(photos.render(services, staff("渝北区"), decided_000["campaign"])) == {}


def test_003_names_photos_unit_and_name(services, clock):
    campaign_id = campaign(services, clock, V003)
    nominate_filled(services, campaign_id, "003", "忻府区", "individual", "张某某", "机关事业单位",
                    person={"employer": "忻州市某某局"})
    nominate_filled(services, campaign_id, "003", "宁武县", "individual", "李某某", "企业职工", photo_seed=2,
                    person={"employer": "宁武县某某公司"})
    got = names_and_bytes(photos.render(services, OFFICE, campaign_id))
    assert sorted(got) == ["宁武县某某公司李某某.jpg", "忻州市某某局张某某.jpg"]
    assert got["宁武县某某公司李某某.jpg"] != got["忻州市某某局张某某.jpg"]
