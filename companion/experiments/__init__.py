"""Experiments: each module regenerates one results/<name>.json that a notebook plots
(``python -m companion.experiments.<name>``)."""
