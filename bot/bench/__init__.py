"""Benchmarks (not tests): ``python -m bot.bench.<name>``."""
