"""SPEC §2 findings are cached per branch under RuleFactsVersion's token: a
second read costs one query, and any write the rules read (a member, a term,
the unit itself), a rolled-back one included, is seen at once."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from branches.models import RuleFactsVersion
from branches.selectors import branch_rule_findings
from tests.branches.factories import BranchFactory, CommitteeTermFactory
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db

TOO_FEW = "BRANCH_TOO_FEW_FULL_MEMBERS"


def codes(branch) -> set[str]:
    return {f.code for f in branch_rule_findings([branch])[branch.pk]}


@pytest.fixture
def branch():
    branch = BranchFactory()
    CommitteeTermFactory(org_unit=branch)
    MemberFactory(branch=branch)
    return branch


def test_a_second_read_is_one_query(branch):
    with CaptureQueriesContext(connection) as cold:
        first = branch_rule_findings([branch])
    with CaptureQueriesContext(connection) as warm:
        second = branch_rule_findings([branch])
    assert first == second
    assert len(cold) == 8 and len(warm) == 1  # the token, the facts (6) and the policies; then the token alone


def test_a_member_added_is_seen_at_once(branch):
    assert TOO_FEW in codes(branch)
    MemberFactory(branch=branch)
    MemberFactory(branch=branch)
    assert TOO_FEW not in codes(branch)


def test_a_member_deleted_is_seen_at_once(branch):
    extra = [MemberFactory(branch=branch), MemberFactory(branch=branch)]
    assert TOO_FEW not in codes(branch)
    extra[0].delete()
    assert TOO_FEW in codes(branch)


def test_a_rolled_back_write_leaves_no_stale_findings(branch):
    before = codes(branch)
    token = RuleFactsVersion.objects.get(pk=1).token
    with pytest.raises(RuntimeError), transaction.atomic():
        MemberFactory(branch=branch)
        MemberFactory(branch=branch)
        assert TOO_FEW not in codes(branch)  # cached under the write's own token …
        raise RuntimeError
    assert RuleFactsVersion.objects.get(pk=1).token == token  # … which the rollback took back
    assert codes(branch) == before


def test_findings_are_cached_per_language(branch):
    with translation.override("zh-hans"):
        zh = branch_rule_findings([branch])[branch.pk]
    with translation.override("en"):
        en = branch_rule_findings([branch])[branch.pk]
    assert [f.code for f in zh] == [f.code for f in en]
    assert [f.message for f in zh] != [f.message for f in en]


def test_without_the_version_row_nothing_is_cached(branch):
    RuleFactsVersion.objects.all().delete()
    assert TOO_FEW in codes(branch)
    MemberFactory(branch=branch)
    MemberFactory(branch=branch)
    assert TOO_FEW not in codes(branch)
