"""Planning assumptions: the documented file, validation that names the key, modified copies."""

from __future__ import annotations

import dataclasses

import pytest

from loaders import ROLES as LOADER_ROLES
from loaders import read_assumptions
from metrics import (
    ROLES,
    Assumptions,
    PositionCost,
    WisnParameters,
    assumptions_from_dict,
)

KYIV = "UA80000000000093317"


def test_the_documented_file_is_the_dataclass_default():
    assert read_assumptions() == Assumptions()


def test_roles_are_those_of_the_loaders():
    assert ROLES == LOADER_ROLES


def test_the_community_norm_and_idp_weight():
    a = read_assumptions()
    assert a.workers_per_10k == 2.0
    assert a.idp_weight == 1.0


def test_to_dict_reads_back_the_same():
    a = Assumptions().updated({f"cost.oblast.{KYIV}.social_worker": 190_000})
    assert assumptions_from_dict(a.to_dict()) == a


def test_updated_is_a_validated_copy():
    a = Assumptions()
    b = a.updated({"norm.psychologist.workers_per_10k": 1.0, "norm.idp_weight": 0.5})
    assert a.role_norm("psychologist").workers_per_10k == 0.5  # the original is unchanged
    assert b.role_norm("psychologist").workers_per_10k == 1.0
    assert b.idp_weight == 0.5
    c = a.updated({f"cost.oblast.{KYIV}.social_worker": 190_000})
    assert c.cost("social_worker", KYIV) == 190_000
    assert c.cost("social_worker", "UA05000000000010236") == 160_000
    assert c.cost("psychologist", KYIV) == 200_000
    assert c.updated({f"cost.oblast.{KYIV}": None}) == a
    with pytest.raises(ValueError, match="wisn.support_share must be a number >= 0 and < 1"):
        a.updated({"wisn.support_share": 1.0})


def test_dataclasses_validate_themselves():
    with pytest.raises(ValueError, match="norm.idp_weight"):
        dataclasses.replace(Assumptions(), idp_weight=-1.0)
    with pytest.raises(ValueError, match="wisn.support_share"):
        WisnParameters(support_share=1.0)
    with pytest.raises(ValueError, match="cost.social_worker"):
        PositionCost("social_worker", -5.0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[wisn]\nhours_per_day = -8\n", r"wisn.hours_per_day must be a number > 0, got -8"),
        ("[wisn]\nsick_days = -1\n", r"wisn.sick_days must be a number >= 0, got -1"),
        ("[wisn.hours_per_case]\nfamilies_sjo = -40\n", r"wisn.hours_per_case.families_sjo must be a number > 0"),
        ("[wisn]\nsupport_share = 1.0\n", r"wisn.support_share must be a number >= 0 and < 1"),
        ("[wisn]\nsupport_share = 20\n", r"wisn.support_share .* got 20"),
        ("[wisn]\nworking_days = 25\n", r"wisn.working_days must exceed .*available working time must be > 0"),
        (
            "[norm.social_work_specialist]\nworkers_per_10k = 1\n[norm.social_worker]\nworkers_per_10k = 1\n",
            r"norm.psychologist: missing role",
        ),
        ("[cost]\nsocial_worker = 1\nsocial_work_specialist = 2\n", r"cost.psychologist: missing role"),
        ("[cost.oblast.UA8]\nsocial_worker = 1\n", r"cost.oblast.UA8: expected a KATOTTG oblast code"),
        ("[wisn]\nworkdays = 250\n", r"unknown key\(s\) wisn.workdays"),
        ("[norm]\nworkers_per_10K = 1\n", r"unknown key\(s\) norm.workers_per_10K"),
        ("[priority]\nidp_share = -1\n", r"priority.idp_share must be a number >= 0"),
        (
            "[priority]\ngap_per_10k = 0\nidp_share = 0\nno_psychologist = 0\ncaseload_per_worker = 0\n",
            r"priority: at least one weight must be > 0",
        ),
        ("[flags]\ncaseload_per_worker_max = 0\n", r"flags.caseload_per_worker_max must be a number > 0"),
        ('[norm]\nidp_weight = "one"\n', r"norm.idp_weight must be a number >= 0, got 'one'"),
    ],
)
def test_invalid_assumptions_name_the_key(tmp_path, text, message):
    path = tmp_path / "a.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=rf"assumptions file a.toml: .*{message}"):
        read_assumptions(path)


def test_every_problem_is_reported_at_once(tmp_path):
    path = tmp_path / "a.toml"
    path.write_text("[norm]\nidp_weight = -1\n[wisn]\nhours_per_day = 0\nsupport_share = 1.5\n", encoding="utf-8")
    with pytest.raises(ValueError) as info:
        read_assumptions(path)
    text = str(info.value)
    assert "norm.idp_weight" in text and "wisn.hours_per_day" in text and "wisn.support_share" in text


def test_a_partial_file_keeps_the_other_defaults(tmp_path):
    path = tmp_path / "a.toml"
    path.write_text("[wisn]\nhours_per_day = 7\n", encoding="utf-8")
    a = read_assumptions(path)
    assert a.wisn.hours_per_day == 7
    assert a.norms == Assumptions().norms


def test_legacy_community_norm_is_split_between_the_two_roles(tmp_path):
    path = tmp_path / "a.toml"
    path.write_text("[norm]\nworkers_per_10k = 3.0\nidp_weight = 0.5\n", encoding="utf-8")
    a = read_assumptions(path)
    assert a.workers_per_10k == 3.0
    assert a.role_norm("social_worker").workers_per_10k == 1.5
    assert a.role_norm("psychologist") == Assumptions().role_norm("psychologist")
    assert a.idp_weight == 0.5
