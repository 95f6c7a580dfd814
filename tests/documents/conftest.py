"""A 000 campaign with a collective and an individual (with photo) carried to the decision."""
from __future__ import annotations

import pytest

from tests.documents.helpers import campaign, nominate_filled, run
from tests.scenarios.test_000 import V000


@pytest.fixture
def decided_000(services, clock):
    campaign_id = campaign(services, clock, V000)
    individual = nominate_filled(services, campaign_id, "000", "江津区", "individual", "李建国", "非公企业", ["一线职工"])
    collective = nominate_filled(services, campaign_id, "000", "渝北区", "collective", "某某铝业熔铸车间", "国有企业",
                                 ["基层组织"])
    assert run(services, clock, campaign_id) == {"表彰": 2}
    return {"campaign": campaign_id, "individual": individual, "collective": collective}
