import datetime as dt
import io
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from assessment.models import ScoreSnapshot
from assessment.services import ensure_default_scorecards, snapshots_refresh
from branches.models import OrgUnit, RoleAssignment, Sector
from tests.branches.factories import CommitteeFactory, UserFactory
from tests.meetings.factories import MeetingFactory, branch_with_members, committee_for

Role = RoleAssignment.Role
YEAR = 2025


@pytest.fixture
def tree(db):
    """市直机关工委 → 甲党委 (two 党支部, scored for 2025) and 乙党委 (one)."""
    ensure_default_scorecards()
    root = CommitteeFactory(name="市直机关工委")
    committee = CommitteeFactory(name="甲党委", parent=root)
    other_committee = CommitteeFactory(name="乙党委", parent=root)
    branch, members = branch_with_members(full=6, probationary=1, name="甲一党支部", parent=committee,
                                          founded_on=dt.date(2015, 1, 1), contact_phone="0391-1234567")
    committee_for(branch, members[:3], start=dt.date(2023, 1, 1))
    members[0].phone = "13800000001"
    members[0].save(update_fields=["phone"])
    for month in (2, 5, 8, 11):
        MeetingFactory(branch=branch, day=dt.date(YEAR, month, 10), kind="branch_assembly", topic=f"{month}月支部党员大会")
    branch2, members2 = branch_with_members(full=4, name="甲二党支部", parent=committee, sector=Sector.VILLAGE,
                                            founded_on=dt.date(2016, 1, 1))
    committee_for(branch2, members2[:1], start=dt.date(2023, 1, 1))
    other, _ = branch_with_members(full=3, name="乙一党支部", parent=other_committee, founded_on=dt.date(2015, 1, 1))
    snapshots_refresh(branches=OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH), year=YEAR)

    def officer(role, unit, username, **kw):
        user = UserFactory(username=username, **kw)
        RoleAssignment.objects.create(user=user, role=role, org_unit=unit)
        return user

    return {
        "root": root,
        "committee": committee,
        "other_committee": other_committee,
        "branch": branch,
        "branch2": branch2,
        "other": other,
        "org_department": officer(Role.ORG_DEPARTMENT, root, "zzb"),
        "admin": officer(Role.COMMITTEE_ADMIN, committee, "dw"),
        "other_admin": officer(Role.COMMITTEE_ADMIN, other_committee, "dw_b"),
        "secretary": officer(Role.BRANCH_SECRETARY, branch, "sj"),
        "superuser": UserFactory(username="root", is_superuser=True, is_staff=True),
    }


def snapshot(branch, year=YEAR) -> ScoreSnapshot:
    return ScoreSnapshot.objects.get(branch=branch, year=year)


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_fonts(content: bytes, tmp_path) -> str:
    if shutil.which("pdffonts") is None:
        pytest.fail("pdffonts is missing: `make test` installs poppler-utils")
    path = tmp_path / "fonts.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


def assert_cjk_embedded(content: bytes, tmp_path):
    lines = pdf_fonts(content, tmp_path).splitlines()[2:]
    cjk = [line for line in lines if any(name in line for name in ("WenQuanYi", "WQY", "Noto", "CJK"))]
    assert cjk, "no CJK font in the PDF"
    # the "emb" column: every CJK font is embedded (and subset)
    assert all(" yes " in line for line in cjk), cjk


def workbook(content: bytes):
    return load_workbook(io.BytesIO(content))
