"""The demo world: its data, its cast and builders, shared by seed_demo, bench/ and the tests."""
