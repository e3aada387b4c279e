"""The generated asynchronous client's base class: `paradime_bolt._base_clients.AsyncGraphQLBase`.

ariadne-codegen copies this file into the generated package (`base_client_file_path`), which is
why it holds nothing but the name ariadne-codegen looks for; the code is hand-written there.
"""

from paradime_bolt._base_clients import AsyncGraphQLBase

from .base_model import UNSET


class AsyncBaseClient(AsyncGraphQLBase):
    unset = UNSET
