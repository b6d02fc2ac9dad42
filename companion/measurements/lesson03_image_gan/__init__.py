"""Lesson 03 (notebook 03_image_gan): layouts, drums and collapse (``results/imagegan_*.json``), sharing common."""
