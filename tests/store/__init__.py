"""Tests of the intake database, settings and the intake CLI."""
