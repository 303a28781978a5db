"""Loading scorecard templates: every problem of a file listed in Chinese,
one immutable row per published version."""

from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from assessment.models import Scorecard
from assessment.services import ensure_default_scorecards, scorecard_load

from .helpers import SCORECARDS

pytestmark = pytest.mark.django_db


def template():
    return yaml.safe_load((SCORECARDS / "default-2025.yaml").read_text(encoding="utf-8"))


def write(tmp_path: Path, data) -> Path:
    path = tmp_path / "card.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def errors_of(tmp_path, data) -> list[str]:
    with pytest.raises(ValidationError) as exc:
        scorecard_load(path=write(tmp_path, data))
    return exc.value.messages


def test_the_shipped_templates_load_once(tmp_path):
    first = ensure_default_scorecards()
    assert [(c.code, c.version, c.total) for c in first] == [("default", 1, 100), ("village", 1, 100)]
    assert all(c.is_published for c in first)
    assert ensure_default_scorecards() == first
    assert Scorecard.objects.count() == 2


def test_every_problem_is_listed_at_once_in_chinese(tmp_path):
    data = template()
    a = data["categories"][0]["items"]
    a[1]["code"] = "A1"  # duplicate
    a[2]["rule"] = "guess_the_score"  # unknown rule
    a[0]["params"]["no_committee"] = "五分"  # not a number
    data["bonus_cap"] = "很多"
    data["vetoes"][2]["rule"] = "nope"
    data["vetoes"][0]["method"] = "sometimes"
    messages = errors_of(tmp_path, data)
    assert "代码“A1”重复（评分项A1与评分项A1）。" in messages
    assert any("自动计分规则“guess_the_score”计分引擎不认识" in m for m in messages)
    assert "评分项A1的扣分“no_committee: 五分”不是数字。" in messages
    assert "加分上限（bonus_cap）“很多”应为不小于0的数字。" in messages
    assert any("否决项V3的自动认定规则“nope”计分引擎不认识" in m for m in messages)
    assert "否决项V1的认定方式“sometimes”应为 auto 或 manual。" in messages
    assert Scorecard.objects.count() == 0


def test_item_points_must_add_up_to_the_total(tmp_path):
    data = template()
    data["categories"][0]["items"][0]["max"] = 6
    assert errors_of(tmp_path, data) == ["各评分项分值合计101分，与总分100分不符。"]


def test_bonus_without_a_cap_and_a_veto_without_a_name_are_refused(tmp_path):
    data = template()
    data["bonus_cap"] = 0
    del data["vetoes"][1]["name"]
    assert errors_of(tmp_path, data) == ["有加分项时，加分上限（bonus_cap）应大于0。", "否决项V2缺少名称。"]


def test_a_published_version_is_immutable_and_a_change_is_a_new_version(tmp_path):
    data = template()
    scorecard_load(path=write(tmp_path, data))
    data["categories"][0]["items"][0]["params"]["committee_size"] = 3
    assert errors_of(tmp_path, data) == [
        "打分表default第1版已发布，不能修改；请将修改后的模板另存为新版本（version: 2）。"
    ]
    data["version"] = 2
    second = scorecard_load(path=write(tmp_path, data))
    assert second.version == 2 and Scorecard.objects.filter(code="default").count() == 2
    assert Scorecard.objects.get(code="default", version=1).data["categories"][0]["items"][0]["params"] == {
        "no_committee": 5,
        "committee_size": 2,
    }


def test_load_scorecard_command(tmp_path):
    from io import StringIO

    out = StringIO()
    call_command("load_scorecard", str(SCORECARDS / "village-2025.yaml"), stdout=out)
    assert "village 第1版" in out.getvalue()
    data = template()
    data["total"] = 90
    with pytest.raises(CommandError, match="各评分项分值合计100分，与总分90分不符"):
        call_command("load_scorecard", str(write(tmp_path, data)))
