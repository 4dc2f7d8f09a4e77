"""The smoke script of tests/api/test_generated_client.py: the client that
openapi-python-client generated from docs/openapi.yaml (package `koploper_client`), against
a live server. Arguments: the API's base URL, a supplier's username and password."""

import sys

from koploper_client import AuthenticatedClient, Client
from koploper_client.api.auth import auth_token_create, auth_token_destroy
from koploper_client.api.innovations import innovations_list, innovations_retrieve
from koploper_client.api.ranking import ranking_list
from koploper_client.api.supplier import supplier_innovations_create, supplier_innovations_list
from koploper_client.models import (
    InnovationsListOrdering,
    Problem,
    SupplierInnovationRequest,
    TokenRequestRequest,
    TokenResponse,
)

base_url, username, password = sys.argv[1:4]
anonymous = Client(base_url=base_url, raise_on_unexpected_status=True)

# Public reads, parsed into the generated models.
page = innovations_list.sync(client=anonymous, page_size=2, ordering=InnovationsListOrdering.NEWEST)
assert page.count >= 1, page
first = page.results[0]
detail = innovations_retrieve.sync(client=anonymous, slug=first.slug)
assert detail.title == first.title
board = ranking_list.sync_detailed(client=anonymous)
assert board.status_code in (200, 404), board.status_code

# An error is a problem.
missing = innovations_retrieve.sync(client=anonymous, slug="no-such-innovation")
assert isinstance(missing, Problem) and missing.status == 404, missing

# A token, a write, and the end of the token.
token = auth_token_create.sync(
    client=anonymous, body=TokenRequestRequest(username=username, password=password)
)
assert isinstance(token, TokenResponse), token
signed_in = AuthenticatedClient(
    base_url=base_url, token=token.token, prefix="Token", raise_on_unexpected_status=True
)
created = supplier_innovations_create.sync_detailed(
    client=signed_in, body=SupplierInnovationRequest(title="Slimme afvalbak uit de client")
)
assert created.status_code == 201, (created.status_code, created.content)
mine = supplier_innovations_list.sync(client=signed_in)
assert "Slimme afvalbak uit de client" in [item.title for item in mine.results]
assert auth_token_destroy.sync_detailed(client=signed_in).status_code == 204
refused = supplier_innovations_list.sync(client=signed_in)
assert isinstance(refused, Problem) and refused.status == 401, refused
print("smoke ok")
