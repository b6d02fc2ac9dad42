"""Lesson 05 (notebook 05_event_tokens): compare, form, pitch and scaling (``results/gpt_events_*.json``),
sharing common."""
