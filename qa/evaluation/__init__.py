"""Measuring answers: the question sets, the official metrics, and the runs behind docs/quality.md
(`qa eval`, `python -m qa.evaluation.followups`)."""

from __future__ import annotations
