"""The accounting fields of content/expenses.yml (how claims are booked in DATEV): what `sharewall check`
refuses, each at its file:line naming the field. Pure: no AWS."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sharewall_common.expenses import PolicyError, load_policy

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = (ROOT / "content" / "expenses.yml").read_text(encoding="utf-8")


def changed(old: str, new: str) -> str:
    assert SHIPPED.count(old) >= 1, old
    return SHIPPED.replace(old, new, 1)


def line_of(text: str, fragment: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), start=1) if fragment in line)


def test_the_shipped_policy_books_every_category():
    policy = load_policy(SHIPPED)
    assert policy.accounting is not None and policy.accounting.chart == "SKR03"
    assert all(category.account and len(category.account) == policy.accounting.account_length
               for category in policy.categories.values())
    assert {"19", "7", "0"} <= set(policy.accounting.tax_keys)


@pytest.mark.parametrize(("old", "new", "at", "fragment"), [
    ('account: "4600"  # SKR03 Werbekosten\n    receipt: true\n  local', 'account: "460"\n    receipt: true\n  local',
     'account: "460"', 'categories.travel.account: account 460 has 3 digits, account_length is 4'),
    ('account: "4600"  # SKR03 Werbekosten\n    receipt: true\n  local', 'account: 46x0\n    receipt: true\n  local',
     "account: 46x0", "categories.travel.account: account must be an account number"),
    ('    account: "4600"  # SKR03 Werbekosten\n', "", "  travel:", "categories.travel.account: missing"),
    ('payable: "1700"', 'payable: "170000"', 'payable: "170000"', "accounting.payable: 170000 has 6 digits"),
    ('tax_keys: {19: "9", 7: "8", 0: ""}', 'tax_keys: {19: "9", 0: ""}', "tax_keys:", "no tax key for the VAT rate(s) 7 %"),
    ('tax_keys: {19: "9", 7: "8", 0: ""}', 'tax_keys:\n    19: "9"\n    7: "8a"\n    0: ""', '7: "8a"',
     "accounting.tax_keys.7: the tax key for 7 % must be 1-4 digits"),
    ("  consultant: 1001", "  consultant: 99", "consultant: 99", "accounting.consultant"),
    ("  client: 1 ", "  clinet: 1 ", "clinet: 1", "unknown field 'accounting.clinet'"),
    ("chart: SKR03", "chart: SKR99", "chart: SKR99", "accounting.chart"),
    ('fiscal_year_start: "01-01"', 'fiscal_year_start: "13-01"', "fiscal_year_start", "accounting.fiscal_year_start"),
    ('    republica-2026: "1100"', '    republica-2026: "11;00"', 'republica-2026: "11;00"',
     "accounting.cost_centres.republica-2026: the cost centre must be 1-36 letters"),
    ("  account_length: 4 ", "  account_length: 3 ", "account_length: 3", "accounting.account_length"),
])
def test_accounting_errors_name_line_and_field(old, new, at, fragment):
    text = changed(old, new)
    with pytest.raises(PolicyError) as caught:
        load_policy(text)
    assert any(line == line_of(text, at) and fragment in message for line, message in caught.value.problems), \
        caught.value.problems


def test_accounts_follow_a_longer_account_length():
    text = changed("  account_length: 4 ", "  account_length: 5 ").replace('"4600"', '"46000"')
    with pytest.raises(PolicyError) as caught:  # 1700 is now neither a 5-digit account nor a 6-digit creditor
        load_policy(text)
    assert [message for _, message in caught.value.problems] == [
        "accounting.payable: 1700 has 4 digits: a general ledger account has account_length (5), a creditor account 6"]
    assert load_policy(text.replace('payable: "1700"', 'payable: "700001"')).accounting.payable == "700001"


def test_without_accounting_no_category_needs_an_account():
    bare = SHIPPED[:SHIPPED.index("# How claims are booked")]
    policy = load_policy(bare)
    assert policy.accounting is None and "accounting" not in policy.document()


def test_sharewall_check_reports_accounting_errors_with_file_and_line(tmp_path):
    content = tmp_path / "content"
    (content / "posts").mkdir(parents=True)
    (content / "sources.yml").write_text("team: {name: Team, kind: department}\n", encoding="utf-8")
    text = changed('payable: "1700"', 'payable: "17"')
    (content / "expenses.yml").write_text(text, encoding="utf-8")
    result = subprocess.run([str(Path(sys.executable).with_name("sharewall")), "check", str(content)],
                            capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert result.returncode == 1
    assert f"content/expenses.yml:{line_of(text, 'payable:')}: accounting.payable: 17 has 2 digits" in result.stdout
