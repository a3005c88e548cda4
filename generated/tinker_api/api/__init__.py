"""One module per operation: build_request() and parse_response()."""
