"""Lesson 02 (notebook 02_musegan): binarize (``results/musegan_binarize.json``) and datasize
(``results/musegan_datasize.json``)."""
