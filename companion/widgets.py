"""The interactive explorer of lesson 06: pick a model, corpus, seed, temperature and length, press
Generate, and see, hear and download the result.

The notebook only calls :func:`explorer`; all widget code is here. Under nbval (no browser) the
widgets render as their text repr and the first generation runs once without interaction, so the
cell is tested end to end.

Generation runs at one torch thread (:data:`GENERATE_THREADS`): on a shared or small machine (Binder
has one CPU) torch's default thread count makes an 8-bar generation tens of times slower. While it
runs the button is disabled and the status label says "generating..." so a second click cannot
queue another run; ``benchmarks/bench_explorer.py`` times every shipped model.

Used by notebook 06_diminishing_returns.
"""

from __future__ import annotations

import base64
import html
import time
from contextlib import contextmanager

import ipywidgets as widgets
import matplotlib.pyplot as plt
import torch
from IPython.display import HTML, display

from . import zoo
from .audio import play
from .midi import midi_bytes
from .plot import plot_song

GENERATE_THREADS = 1  # torch threads of one generation: the fastest on 1-2 shared cores
LABEL_STYLE = {"description_width": "initial"}  # labels at their natural width, never cut
BUSY = "generating..."


@contextmanager
def torch_threads(n: int):
    """Run the body with ``torch.set_num_threads(n)``, restoring the previous count after."""
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


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
                              description="model:corpus", style=LABEL_STYLE)
    seed = widgets.BoundedIntText(value=0, min=0, max=2**31 - 1, description="seed", style=LABEL_STYLE)
    temperature = widgets.FloatSlider(value=1.0, min=0.2, max=2.0, step=0.1, description="temperature",
                                      style=LABEL_STYLE)
    bars = widgets.IntSlider(value=4, min=1, max=16, description="bars", style=LABEL_STYLE)
    button = widgets.Button(description="Generate", button_style="primary")
    status = widgets.Label(value="")
    output = widgets.Output()

    def run(_=None) -> None:
        if button.disabled:  # a click that arrived while a generation runs
            return
        button.disabled = True
        status.value = BUSY
        start = time.perf_counter()
        try:
            with torch_threads(GENERATE_THREADS):
                checkpoint = zoo.load(choice.value)
                song = zoo.generate(checkpoint, bars=bars.value, seed=seed.value, temperature=temperature.value)
            song.title = f"{choice.value} seed {seed.value} T={temperature.value:.1f}"
            output.clear_output(wait=True)
            with output:
                fig, ax = plt.subplots(figsize=(9, 3))
                plot_song(song, ax)
                plt.show()
                display(play(song, sample_rate=sample_rate))
                display(download_link(midi_bytes(song), f"{choice.value.replace(':', '-')}-seed{seed.value}.mid"))
            status.value = f"generated {bars.value} bars in {time.perf_counter() - start:.1f} s"
        except Exception as exc:
            status.value = f"failed: {type(exc).__name__}: {exc}"
            raise
        finally:
            button.disabled = False

    button.on_click(run)
    box = widgets.VBox([widgets.HBox([choice, seed]), widgets.HBox([temperature, bars]),
                        widgets.HBox([button, status]), output])
    display(box)
    if generate_now:
        run()
    return box
