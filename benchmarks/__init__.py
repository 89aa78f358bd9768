"""Benchmarks: one command each, figures printed as ratios against a baseline of the same run."""
