from proto.generate import stale_files


def test_committed_stubs_match_the_proto_sources():
    assert stale_files() == [], "run `python -m proto.generate` and commit the result"
