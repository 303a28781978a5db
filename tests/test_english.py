"""The English UI: a user who picks English in the language switcher gets an
English navigation bar on the org tree and on a branch page. Chinese stays the
default for everyone else. The catalogue (config/locale/en) is compiled here when the
.mo is missing or older than the .po, so the tests also run before `make`."""

import fcntl
import os
import re
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from tests.branches.factories import BranchFactory, CommitteeFactory

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
CATALOG_DIR = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
PO, MO = CATALOG_DIR / "django.po", CATALOG_DIR / "django.mo"


def _reset_translation_caches():
    from asgiref.local import Local
    from django.utils.translation import trans_real

    trans_real._translations = {}
    trans_real._default = None
    trans_real._active = Local()


@pytest.fixture(scope="session")
def english_catalog():
    """Compile config/locale/en when needed (once per session; a file lock keeps
    pytest-xdist workers from compiling over each other), then drop Django's
    cached catalogues so the fresh .mo is read."""
    lock_path = Path(tempfile.gettempdir()) / "dzb-compilemessages-en.lock"
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not MO.exists() or MO.stat().st_mtime < PO.stat().st_mtime:
                call_command("compilemessages", locale=["en"], ignore_patterns=[".venv", "var"], verbosity=0)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    _reset_translation_caches()
    yield MO
    _reset_translation_caches()


class _NavText(HTMLParser):
    """Collects the text (and aria-labels) of every <nav> element."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.navs: list[list[str]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "nav":
            if self.depth == 0:
                self.navs.append([])
            self.depth += 1
        if self.depth:
            label = dict(attrs).get("aria-label")
            if label:
                self.navs[-1].append(label)

    def handle_endtag(self, tag):
        if tag == "nav" and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth and data.strip():
            self.navs[-1].append(data.strip())


def nav_texts(html: str) -> list[str]:
    parser = _NavText()
    parser.feed(html)
    return [" ".join(parts) for parts in parser.navs]


def chinese_left(text: str, data: tuple[str, ...]) -> list[str]:
    """CJK characters in text once the language option "简体中文" (always shown
    in its own language) and data values (names of people and units) are removed."""
    for value in ("简体中文", *data):
        text = text.replace(value, " ")
    return CJK.findall(text)


@pytest.fixture
def english_secretary(client, english_catalog, secretary_of, db):
    """A branch secretary, signed in, who has switched the UI to English."""
    committee = CommitteeFactory(name="市直机关工委")
    branch = BranchFactory(name="综合科室党支部", parent=committee)
    user = secretary_of(branch)
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("org_tree")})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    return client, branch, (committee.name, branch.name, user.get_username())


def test_org_tree_in_english(english_secretary):
    client, branch, data = english_secretary

    response = client.get(reverse("org_tree"))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    navs = nav_texts(html)
    assert navs, "the page has no <nav>"
    main_nav = navs[0]
    for label in ("Party Branch Standardisation Platform", "Organisation", "Members", "Log out", "Switch"):
        assert label in main_nav
    assert "Branch secretary" in main_nav  # the role in the user menu
    for text in navs:
        assert chinese_left(text, data) == [], text
    # the page itself speaks English too
    assert '<h1 class="h3 mb-0">Organisation</h1>' in html
    assert branch.name in html


def test_branch_page_in_english(english_secretary):
    client, branch, data = english_secretary

    response = client.get(reverse("org_unit", args=[branch.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    navs = nav_texts(html)
    assert len(navs) >= 2  # the navigation bar and the breadcrumb
    assert "Organisation" in navs[0] and "Log out" in navs[0]
    assert "Breadcrumb" in navs[1] and "Organisation" in navs[1]
    for text in navs:
        assert chinese_left(text, data) == [], text
    for heading in ("Organisation checks", "Branch committee", "Election records", "Party group", "Members"):
        assert heading in html
    assert "组织设置检查" not in html and "支部委员会" not in html


def test_chinese_stays_the_default(client, english_catalog, secretary_of, db):
    branch = BranchFactory()
    client.force_login(secretary_of(branch))

    html = client.get(reverse("org_tree"), headers={"accept-language": "en"}).content.decode()

    assert '<html lang="zh-CN">' in html
    main_nav = nav_texts(html)[0]
    assert "组织架构" in main_nav and "退出登录" in main_nav
    assert "Log out" not in main_nav


def test_switching_back_to_chinese(english_secretary):
    client, _branch, _data = english_secretary
    assert "Log out" in nav_texts(client.get(reverse("org_tree")).content.decode())[0]

    client.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("org_tree")})

    main_nav = nav_texts(client.get(reverse("org_tree")).content.decode())[0]
    assert "退出登录" in main_nav and "Log out" not in main_nav


def test_catalogue_is_complete():
    """Every msgid has an English msgstr, nothing is fuzzy, and the placeholders
    check out (msgfmt --check verifies python-format strings)."""
    assert shutil.which("msgfmt"), "msgfmt (gettext) is missing: run `make test`, which installs it"
    result = subprocess.run(
        [shutil.which("msgfmt"), "--check", "--statistics", "-o", os.devnull, str(PO)],
        capture_output=True,
        text=True,
        env={**os.environ, "LC_ALL": "C", "LANGUAGE": ""},
    )
    assert result.returncode == 0, result.stderr
    assert "translated message" in result.stderr
    assert "fuzzy" not in result.stderr and "untranslated" not in result.stderr, result.stderr
