"""The warehouse of a dbt `profiles.yml` target, read as OpenLineage's dbt integration reads it.

The file is loaded and its `{{ env_var(...) }}` rendered by `DbtLocalArtifactProcessor`'s own
helpers (what `dbt-ol` does), and the namespace comes from the processor's `extract_namespace`.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openlineage.common.provider.dbt.local import DbtLocalArtifactProcessor, LazyJinjaLoadDict

from paradime_bolt import ConfigurationError

__all__ = ["DbtProfile", "load_profile"]


@dataclass(frozen=True, repr=False)
class DbtProfile:
    """One target of a dbt profile: its adapter `type` and connection `details`.

    `details` may hold credentials: they are never shown (repr) and never leave this process;
    only the namespace derived from them (`host:port`, account) goes into events."""

    name: str
    target: str
    type: str
    details: dict[str, Any] = field(compare=False)

    def __repr__(self) -> str:
        return f"DbtProfile(name={self.name!r}, target={self.target!r}, type={self.type!r})"

    @property
    def namespace(self) -> str:
        """The dataset namespace OpenLineage's dbt integration derives from this target."""
        from ._processor import profile_namespace

        return profile_namespace(self.as_processor_profile())

    def as_processor_profile(self) -> dict[str, Any]:
        """The `profile` argument of OpenLineage's `DbtCloudArtifactProcessor`."""
        return {"name": self.name, "type": self.type, "details": self.details}


def _plain(value: Any) -> Any:
    """`value` with its lazily rendered mappings (and their templates) rendered now."""
    if isinstance(value, LazyJinjaLoadDict):
        return {key: _plain(value[key]) for key in value}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def load_profile(
    profiles_dir: str | os.PathLike[str],
    *,
    target: str | None = None,
    profile: str | None = None,
    project_name: str | None = None,
) -> DbtProfile:
    """The `target` (default: the profile's own `target:`) of `profile` in
    `profiles_dir/profiles.yml`. Without `profile`, the file's only profile, else the one named
    like `project_name`. Any problem is a `ConfigurationError` naming it."""
    path = Path(profiles_dir) / "profiles.yml"
    try:
        loaded = DbtLocalArtifactProcessor.load_yaml(str(path))
    except OSError as exc:
        raise ConfigurationError(f"cannot read dbt profiles {path}: {exc.strerror}") from None
    except Exception as exc:  # noqa: BLE001 - a YAML error: its own message says where
        raise ConfigurationError(f"{path} is not valid YAML: {exc}") from None
    if not isinstance(loaded, dict):
        raise ConfigurationError(f"{path} holds no dbt profiles")
    names = [name for name, value in loaded.items() if name != "config" and isinstance(value, dict)]
    if profile is None:
        if len(names) == 1:
            profile = names[0]
        elif project_name in names:
            profile = project_name
        else:
            raise ConfigurationError(
                f"{path} has profiles {', '.join(sorted(names)) or '(none)'}: say which one "
                "(--profile NAME)"
            )
    if profile is None or profile not in names:
        raise ConfigurationError(f"{path} has no profile {profile!r} (it has: {', '.join(names)})")
    # Only what is used is rendered, as dbt-ol does: another target's env_var() may be unset.
    rendered = LazyJinjaLoadDict(loaded, jinja_env=DbtLocalArtifactProcessor.setup_jinja())
    try:
        entry = rendered[profile]
        target = target or entry.get("target")
        outputs = entry.get("outputs") or {}
        if not target or target not in outputs or not isinstance(outputs[target], dict):
            raise ConfigurationError(
                f"dbt profile {profile!r} in {path} has no target {target!r} "
                f"(it has: {', '.join(outputs) or 'none'})"
            )
        details = _plain(outputs[target])
    except ConfigurationError:
        raise
    except Exception as exc:  # noqa: BLE001 - env_var() of a variable not set, a template error
        raise ConfigurationError(f"dbt profile {profile!r} in {path}: {exc}") from None
    if "type" not in details:
        raise ConfigurationError(f"target {target!r} of dbt profile {profile!r} has no type")
    logging.getLogger("paradime_bolt.lineage").debug(
        "dbt profile %s, target %s (%s)", profile, target, details["type"]
    )
    return DbtProfile(name=profile, target=target, type=str(details["type"]), details=details)
