from tests.api.conftest import client_as, tree  # noqa: F401  (the API tests' tree and login fixtures)
