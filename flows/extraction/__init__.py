"""Noting what the reporter already said: indicators, where it happened, what was asked and offered."""

from flows.extraction.extract import Extraction, extract, noted_answers

__all__ = ["Extraction", "extract", "noted_answers"]
