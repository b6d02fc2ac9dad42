"""Drums in the picture: what drawing drum notes into the same image as the pitched parts does to
pitched-note metrics, and what dropping them costs in the seed's pipeline.

1. **Real jazz, no model.** Every piece of the jazz corpus cut into 9.6 s clips and decoded as an
   image holds them, once with the drum track drawn in (the seed's images: a ride cymbal is key 51,
   an E-flat, and becomes one) and once without: notes per clip, the chord-tone rate against the
   corpus's ground-truth chords, used pitch classes per bar, and the share of notes in the bass
   register (MIDI 36..48), next to the same metrics of the pitched tracks as written.
2. **What dropping drums costs.** The seed's converter cannot leave one instrument out of a picture,
   so "turning off the drums" there means keeping only files with no drum part. Counted per corpus:
   pieces, clips and notes left. The codec here can drop the drum *track* instead and keep the rest.
3. **Models.** Two image GANs on jazz on the same budget, drums drawn in and dropped: the generated
   clips' pitched metrics.

Regenerate ``results/imagegan_drums.json`` with::

    python -m companion.measurements.lesson03_image_gan.drums          # 2 x 400 steps, about 6 CPU-minutes
    python -m companion.measurements.lesson03_image_gan.drums --fast   # 2 x 10 steps: a smoke test

Used by notebook 03_image_gan ("Drums").
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

import torch

from ... import metrics
from ...codecs import image
from ...codecs.image_codec import ImageCodec
from ...data import Corpus, load_corpus
from ...song import Song, Track
from .. import provenance
from . import common

NAME = "imagegan_drums"
STEPS = 400
BASS_REGISTER = (36, 48)
CODEC = ImageCodec()
"""The picture of the real clips: RGB, 100 bpm, one track of program 0 (as the jazz recipe)."""


def _bass_share(songs: list[Song]) -> float:
    pitches = [n.pitch for s in songs for t in s.tracks if not t.is_drum for n in t.notes]
    low, high = BASS_REGISTER
    return round(sum(low <= p <= high for p in pitches) / max(len(pitches), 1), 4)


def pitched_metrics(songs: list[Song], *, upc: bool = True) -> dict[str, Any]:
    """Notes per clip, chord-tone rate (ground truth), UPC (pooled over pitched tracks; left out with
    ``upc=False``, for clips whose bars are not the image's notional 100 bpm bars) and the bass share
    of some clips (multi-track as written, or decoded from images)."""
    merged = [s.copy(tracks=[t for t in s.tracks if not t.is_drum]) for s in songs]
    pooled = [s.copy(tracks=[Track("pitched", 0, False, [n for t in s.tracks for n in t.notes])]) for s in merged]
    row = metrics.corpus_metrics(pooled)
    out = {
        "clips": len(songs),
        "notes_per_clip": round(sum(s.num_notes for s in merged) / max(len(songs), 1), 2),
        "chord_tone_rate_ground_truth": row["chord_tone_rate"],
        "UPC": row["UPC_mean"],
        "bass_register_share": _bass_share(merged),
    }
    if not upc:
        out.pop("UPC")
    return out


def written_clips(songs: list[Song]) -> list[Song]:
    """The songs cut into the same 9.6 s clips as :meth:`companion.codecs.image_codec.ImageCodec.encode`
    but as written (tracks, ticks and chords kept)."""
    out = []
    for song in songs:
        ticks = round(song.seconds_to_tick(image.clip_seconds()))
        for k in range(len(CODEC.encode(song))):
            out.append(song.crop(k * ticks, (k + 1) * ticks))
    return out


def chop(corpus: Corpus) -> dict[str, Any]:
    """What is left of a corpus when only pieces without a drum track are kept (the seed's way to
    "turn off the drums"), against dropping the drum tracks (this codec's ``drums=False``)."""
    songs = corpus.songs
    clean = [s for s in songs if not any(t.is_drum for t in s.tracks)]
    clips = sum(len(CODEC.encode(s)) for s in songs)
    return {
        "pieces": len(songs),
        "pieces_without_drums": len(clean),
        "clips": clips,
        "clips_left_keeping_drum_free_pieces": sum(len(CODEC.encode(s)) for s in clean),
        "clips_left_dropping_drum_tracks": sum(len(CODEC.encode(s, drums=False)) for s in songs),
        "pitched_notes": sum(len(t.notes) for s in songs for t in s.tracks if not t.is_drum),
        "drum_notes": sum(len(t.notes) for s in songs for t in s.tracks if t.is_drum),
    }


def real_comparison(corpus: Corpus) -> dict[str, Any]:
    """Part 1: pitched metrics of the real jazz clips as written, as images with drums, without."""
    songs = corpus.songs
    return {
        "as_written": pitched_metrics(written_clips(songs), upc=False),
        "image_drums_drawn_in": pitched_metrics(CODEC.clip_songs(songs, drums=True)),
        "image_drums_dropped": pitched_metrics(CODEC.clip_songs(songs, drums=False)),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast", action="store_true", help="10 steps per model (a smoke test)")
    parser.add_argument("--out", default=str(common.RESULTS / f"{NAME}.json"))
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    steps = 10 if args.fast else STEPS
    started = time.perf_counter()
    jazz, bach = load_corpus("jazz"), load_corpus("bach")
    real = real_comparison(jazz)
    print(json.dumps(real), flush=True)
    runs = {}
    for drums in (True, False):
        run = common.run(jazz, steps=steps, drums=drums, samples=32 if args.fast else common.SAMPLES)
        run.pop("_checkpoint")
        runs["drums_drawn_in" if drums else "drums_dropped"] = run
        print(json.dumps({str(drums): run["generated"]}), flush=True)
    result = {
        **provenance(NAME, fast=args.fast, started=started),
        "corpus": "jazz (procedural, 3,000 bars, 5 parts incl. drums; 120-220 bpm)",
        "budget": {"steps": steps, "batch_size": 16, "layout": "rgb", "loss": "wgan-gp", "seed": 0},
        "bass_register": list(BASS_REGISTER),
        "real": real,
        "chop": {"jazz": chop(jazz), "bach": chop(bach)},
        "runs": runs,
    }
    common.write(result, args.out)


if __name__ == "__main__":
    main()
