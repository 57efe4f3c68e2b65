"""`lambdalearn pack check` on the bundled course, one lab per test so the workers share the load.

Every starter must fail at least one check and every solution must pass all of them, each in a clean
workspace: the course's labs are only worth doing if that holds.
"""

import pytest
from click.testing import CliRunner

from lambdalearn.cli import cli
from lambdalearn.content.bundled import bundled_pack_root
from lambdalearn.content.loader import load_pack

LAB_IDS = [lab.id for lab in load_pack(bundled_pack_root()).labs]


def test_the_course_has_at_least_twelve_labs():
    assert len(LAB_IDS) >= 12


@pytest.mark.slow
@pytest.mark.parametrize("lab_id", LAB_IDS)
def test_pack_check_passes_for_each_bundled_lab(lab_id):
    result = CliRunner().invoke(cli, ["pack", "check", "--lab", lab_id])
    assert result.exit_code == 0, result.output
