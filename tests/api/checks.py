"""The checks every fuzzing test holds each response to (issue 16: conformance, not only "no server error").

Named one by one so that a test states what it checks: besides no 5xx, the status code is one the operation
documents, the body matches the documented schema of that status, the content type and headers are as documented,
invalid data is refused with a 4xx and valid data accepted (a test may exclude ``positive_data_acceptance`` where a
business rule refuses well-formed data, saying why), undocumented methods are 405 with ``Allow``, calls without
credentials are refused. The stateful checks (``use_after_free``, ``ensure_resource_availability``,
``object_level_authorization``) only act where the document links operations; they cost nothing here.
"""

from __future__ import annotations

from schemathesis.checks import (
    allow_header_conformance,
    content_type_conformance,
    ensure_resource_availability,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    not_a_server_error,
    object_level_authorization,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
    use_after_free,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    missing_required_header,
    unsupported_method,
    allow_header_conformance,
    ignored_auth,
    use_after_free,
    ensure_resource_availability,
    object_level_authorization,
]
