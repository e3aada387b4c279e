"""The generated synchronous client's base class: `paradime_bolt._base_clients.SyncGraphQLBase`.

ariadne-codegen copies this file into the generated package (`base_client_file_path`), which is
why it holds nothing but the name ariadne-codegen looks for; the code is hand-written there.
"""

from paradime_bolt._base_clients import SyncGraphQLBase

from .base_model import UNSET


class BaseClient(SyncGraphQLBase):
    unset = UNSET
