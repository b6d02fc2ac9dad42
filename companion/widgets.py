"""The interactive explorer of lesson 06: pick a model, corpus, seed, temperature and length, press
Generate, and see, hear and download the result.

The notebook only calls :func:`explorer`; all widget code is here. Under nbval (no browser) the
widgets render as their text repr and the first generation runs once without interaction, so the
cell is tested end to end.

Used by notebook 06_diminishing_returns.
"""

from __future__ import annotations

import base64
import html

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import HTML, display

from . import zoo
from .audio import play
from .midi import midi_bytes
from .plot import plot_song


def download_link(data: bytes, filename: str) -> HTML:
    """An HTML link that downloads ``data`` as ``filename`` (works offline and on Binder)."""
    payload = base64.b64encode(data).decode("ascii")
    name = html.escape(filename)
    return HTML(f'<a download="{name}" href="data:audio/midi;base64,{payload}">download {name}</a>')


def explorer(default: str | None = None, *, generate_now: bool = True, sample_rate: int = 8000) -> widgets.VBox:
    """Build (and display) the explorer over the shipped checkpoints.

    Args:
        default: the ``model:corpus`` selected first (default: the first shipped checkpoint).
        generate_now: run one generation with the default settings right away.
        sample_rate: audio sample rate of the player (8 kHz keeps notebooks small).

    Returns:
        The widget box (already displayed).
    """
    shipped = zoo.shipped_checkpoints()
    if not shipped:
        box = widgets.VBox([widgets.HTML("No shipped checkpoints in this install: train one with "
                                         "<code>python -m companion train ...</code>.")])
        display(box)
        return box
    choice = widgets.Dropdown(options=sorted(shipped), value=default if default in shipped else sorted(shipped)[0],
                              description="model:corpus", style={"description_width": "initial"})
    seed = widgets.BoundedIntText(value=0, min=0, max=2**31 - 1, description="seed")
    temperature = widgets.FloatSlider(value=1.0, min=0.2, max=2.0, step=0.1, description="temperature")
    bars = widgets.IntSlider(value=4, min=1, max=16, description="bars")
    button = widgets.Button(description="Generate", button_style="primary")
    output = widgets.Output()

    def run(_=None) -> None:
        output.clear_output(wait=True)
        with output:
            checkpoint = zoo.load(choice.value)
            song = zoo.generate(checkpoint, bars=bars.value, seed=seed.value, temperature=temperature.value)
            song.title = f"{choice.value} seed {seed.value} T={temperature.value:.1f}"
            fig, ax = plt.subplots(figsize=(9, 3))
            plot_song(song, ax)
            plt.show()
            display(play(song, sample_rate=sample_rate))
            display(download_link(midi_bytes(song), f"{choice.value.replace(':', '-')}-seed{seed.value}.mid"))

    button.on_click(run)
    box = widgets.VBox([widgets.HBox([choice, seed]), widgets.HBox([temperature, bars]), button, output])
    display(box)
    if generate_now:
        run()
    return box
