"""What Airflow's ProvidersManager reads through the `apache_airflow_provider` entry point.

Airflow calls it while it starts, in every process: it imports nothing but this module.
Connection fields are declarative (`conn-fields`), so the connection form needs no Flask
AppBuilder and no hook import.
"""

from __future__ import annotations

from typing import Any

_INTEGRATION = "Paradime Bolt"
_PACKAGE = "paradime_bolt_airflow"


def get_provider_info() -> dict[str, Any]:
    def modules(name: str) -> list[dict[str, Any]]:
        return [{"integration-name": _INTEGRATION, "python-modules": [f"{_PACKAGE}.{name}"]}]

    return {
        "package-name": "airflow-provider-paradime-bolt",
        "name": "Paradime Bolt",
        "description": "Trigger, wait for (in the triggerer), cancel and collect the artifacts of "
        "`Paradime Bolt <https://docs.paradime.io>`__ dbt runs.",
        "integrations": [
            {
                "integration-name": _INTEGRATION,
                "external-doc-url": "https://docs.paradime.io/app-help/documentation/bolt",
                "tags": ["service"],
            }
        ],
        "operators": modules("operators"),
        "sensors": modules("sensors"),
        "hooks": modules("hooks"),
        "triggers": modules("triggers"),
        "connection-types": [
            {
                "connection-type": "paradime_bolt",
                "hook-class-name": f"{_PACKAGE}.hooks.BoltHook",
                "hook-name": "Paradime Bolt",
                "conn-fields": {
                    "workspace_uid": {
                        "label": "Workspace UID",
                        "description": "Required with an account API key (prdm_cmp_...): the "
                        "workspace every request names.",
                        "schema": {"type": ["string", "null"]},
                    },
                    "proxy": {
                        "label": "Proxy URL",
                        "description": "http://, https:// or socks5:// proxy for every request.",
                        "schema": {"type": ["string", "null"]},
                    },
                    "app_url": {
                        "label": "Paradime app URL",
                        "description": "Where run links point (default https://app.paradime.io).",
                        "schema": {"type": ["string", "null"]},
                    },
                },
                "ui-field-behaviour": {
                    "hidden-fields": ["schema", "port"],
                    "relabeling": {
                        "host": "API endpoint",
                        "login": "API key (legacy secret only)",
                        "password": "API secret, workspace token or account API key",
                    },
                    "placeholders": {
                        "host": "https://api.<region>.paradime.io/api/v1/<workspace>/graphql",
                        "login": "only with a legacy API secret",
                        "password": "prdm_cmp_..., prdm_wsp_... or a legacy API secret",
                    },
                },
            }
        ],
        "extra-links": [f"{_PACKAGE}.links.BoltRunLink"],
    }
