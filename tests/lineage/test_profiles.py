"""The dataset namespace derived from a dbt profiles.yml target, as OpenLineage's dbt
integration derives it (env_var() rendered); bad profiles are errors that name the problem."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from paradime_bolt import ConfigurationError
from paradime_bolt.lineage import load_profile

PROFILES = """
shop:
  target: prod
  outputs:
    prod:
      type: postgres
      host: "{{ env_var('LINEAGE_PG_HOST') }}"
      port: 5432
      user: me
      password: "{{ env_var('LINEAGE_PG_PASSWORD') }}"
    local:
      type: duckdb
      path: /data/shop.duckdb
other:
  target: dev
  outputs:
    dev: {type: snowflake, account: xy12345.eu-west-1, user: me}
"""


def namespace_of(profile_dir: Path, **kwargs: str) -> str:
    return load_profile(profile_dir, **kwargs).namespace


def test_namespaces_come_from_the_target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "profiles.yml").write_text(PROFILES)
    monkeypatch.setenv("LINEAGE_PG_HOST", "db.example.com")
    monkeypatch.setenv("LINEAGE_PG_PASSWORD", "s3cret-pg")
    assert namespace_of(tmp_path, profile="shop") == "postgres://db.example.com:5432"
    assert namespace_of(tmp_path, profile="shop", target="local") == "duckdb:///data/shop.duckdb"
    assert namespace_of(tmp_path, profile="other").startswith("snowflake://xy12345")
    profile = load_profile(tmp_path, project_name="shop")  # two profiles: the project's
    assert (profile.name, profile.target, profile.type) == ("shop", "prod", "postgres")
    assert "s3cret-pg" not in repr(profile)


def test_bad_profiles_are_configuration_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ConfigurationError, match="cannot read dbt profiles"):
        load_profile(tmp_path)
    (tmp_path / "profiles.yml").write_text(PROFILES)
    with pytest.raises(ConfigurationError, match="say which one"):
        load_profile(tmp_path)
    with pytest.raises(ConfigurationError, match="no target 'qa'"):
        load_profile(tmp_path, profile="shop", target="qa")
    monkeypatch.delenv("LINEAGE_PG_HOST", raising=False)
    with pytest.raises(ConfigurationError, match="LINEAGE_PG_HOST"):
        load_profile(tmp_path, profile="shop")


def test_without_openlineage_the_error_names_the_extra() -> None:
    code = (
        "import sys; sys.modules['openlineage'] = None\n"
        "try:\n    import paradime_bolt.lineage\n"
        "except ImportError as exc:\n    print(exc)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "pip install 'paradime-bolt[openlineage]'" in out
