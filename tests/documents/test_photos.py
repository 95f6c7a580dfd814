"""Photos zip: each photo under the notice's naming rule, the bytes as uploaded."""
from __future__ import annotations

import io
import uuid
import zipfile

import pytest

from engine.documents import photos, records
from engine.errors import ValidationFailed
from engine.forms.uploads import Upload
from tests.documents.helpers import OFFICE, campaign, nominate_filled, staff, upload_photo
from tests.scenarios.helpers import demo, ready_tasks
from tests.scenarios.test_000 import V000
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


def test_a_form_may_only_name_a_photo_that_was_uploaded(services, clock):
    """The printed 审批表 and the photos zip fetch the photo by the id the form names: an id that
    names no upload is refused at the field, and nothing is stored."""
    campaign_id = campaign(services, clock, V000)
    view = services.campaigns.nominate(campaign_id, unit="渝北区", award_type="individual", candidate_type="机关事业单位",
                                       name="王某某", tags=[], actor="推荐单位经办人")
    [task] = [t for t in ready_tasks(services, view.id) if (t.form or "").endswith("/recommend_individual.json")]
    data = demo(task.form)
    data["person"]["name"] = "王某某"
    version = services.runtime.instance(view.id).version
    for bogus in (str(uuid.uuid4()), "不是编号"):
        data["photo"]["upload_id"] = bogus
        with pytest.raises(ValidationFailed) as refused:
            services.runtime.complete_task(view.id, task.task_id, data, "推荐单位经办人", None)
        assert "未找到该照片文件" in refused.value.field_errors["photo.upload_id"]
        assert services.runtime.instance(view.id).version == version
    data["photo"]["upload_id"] = upload_photo(services, "渝北区", "王某某.jpg")
    services.runtime.complete_task(view.id, task.task_id, data, "推荐单位经办人", None)
    assert services.runtime.instance(view.id).version > version
