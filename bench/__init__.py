"""Measurements at scale: `make bench` (bench/run.py) and the engine's own (bench/engine.py)."""
