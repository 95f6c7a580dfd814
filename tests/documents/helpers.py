"""Campaigns driven to their decision with real photos, for the document tests."""
from __future__ import annotations

import io
import random
from datetime import timezone

from PIL import Image

from engine.forms.uploads import store_photo
from engine.people.access import Principal
from pingxuan.actors import Actors
from tests.scenarios.helpers import demo, ready_tasks, setup

OFFICE = Principal(1, "专班办公室", "office")
AUDITOR = Principal(2, "审计", "auditor")


def staff(unit: str) -> Principal:
    return Principal(3, f"{unit}经办人", "staff", unit)


def photo_jpeg(seed: int = 1) -> bytes:
    """A real 2-inch JPEG (413 × 579 px) between 50 and 500 KB: noise does not compress."""
    rng = random.Random(seed)
    image = Image.new("RGB", (413, 579), "white")
    image.putdata([(rng.randrange(256), rng.randrange(120, 256), rng.randrange(256)) for _ in range(413 * 579)])
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70)
    return out.getvalue()


def upload_photo(services, unit: str, file_name: str, seed: int = 1) -> str:
    return store_photo(services.db, staff(unit), file_name, photo_jpeg(seed), services.runtime.clock()).id


def nominate_filled(services, campaign_id: str, variant: str, unit: str, award_type: str, name: str,
                    candidate_type: str, tags=(), person: dict | None = None, photo_seed: int | None = 1) -> str:
    """Nominate and fill the recommendation form with the demo data, named for this candidate. Only
    the tags a variant lets a unit declare are declared; what the 审批表 decides its data derives
    (docs/rules.md)."""
    tags = [t for t in tags if t in services.campaigns.config(campaign_id)["tags"]]
    view = services.campaigns.nominate(campaign_id, unit=unit, award_type=award_type, candidate_type=candidate_type,
                                       name=name, tags=list(tags), actor="推荐单位经办人")
    [task] = [t for t in ready_tasks(services, view.id) if t.form and "/recommend_" in t.form or
              (t.form or "").endswith("/suggestion.json")]
    data = demo(task.form)
    if "person" in data:
        data["person"] |= {"name": name, **(person or {})}
        if photo_seed is not None:
            data["photo"]["upload_id"] = upload_photo(services, unit, f"{name}.jpg", photo_seed)
            data["photo"]["file_name"] = f"{name}—{data['person']['id_card'][6:14]}" if variant == "000" \
                else data["photo"]["file_name"]
    elif "collective" in data:
        data["collective"]["name"] = name
    services.runtime.complete_task(view.id, task.task_id, data, "推荐单位经办人", None)
    return view.id


def run(services, clock, campaign_id: str) -> dict:
    return Actors(services).run_to_decision(campaign_id, clock)


def campaign(services, clock, v: dict) -> str:
    return setup(services, clock, v)


def utc(dt):
    return dt.astimezone(timezone.utc)
