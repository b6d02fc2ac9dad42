"""Lesson 04 (notebook 04_gpt_chords): regularisation and size (``results/gpt_chords_*.json``)."""
