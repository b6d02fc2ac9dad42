"""What a MIDI image can hold of a song, computed without the codec, and a report of what a round
trip through :mod:`companion.codecs.image` keeps: all tracks in one, notes of one pitch that touch
merged, times on the 0.05 s grid at one tempo (the grid of :mod:`companion.codecs.image`).

Reached as ``image.flatten`` and ``image.roundtrip_report`` (re-exported by :mod:`companion.codecs.image`).
Used by notebook 03_image_gan (the round trip) and the image codec's tests.
"""

from __future__ import annotations

from ..errors import CodecError
from ..song import Note, Song, Tempo, Track
from .image import decode, encode_steps, note_steps, outside_count


def flatten(song: Song, *, drums: bool = True) -> Song:
    """What an image can hold of ``song``, computed in ticks without the codec: all tracks in one,
    and notes of one pitch that overlap or touch merged into one (a picture cannot tell them apart).

    The round-trip reference: for a song on the 0.05 s grid at one tempo ``bpm``,
    ``decode(encode_steps(song), bpm=bpm, resolution=song.resolution).tracks[0].notes ==
    flatten(song).tracks[0].notes``.
    """
    by_pitch: dict[int, list[tuple[int, int]]] = {}
    for track in song.tracks:
        if drums or not track.is_drum:
            for n in track.notes:
                if n.duration > 0:
                    by_pitch.setdefault(n.pitch, []).append((n.start, n.end))
    notes = []
    for pitch, spans in by_pitch.items():
        spans.sort()
        start, end = spans[0]
        for s, e in spans[1:]:
            if s <= end:
                end = max(end, e)
            else:
                notes.append(Note(start, pitch, end - start, 90))
                start, end = s, e
        notes.append(Note(start, pitch, end - start, 90))
    return song.copy(tracks=[Track("image", 0, False, sorted(notes))], chords=[])


def roundtrip_report(song: Song, *, bpm: float | None = None, drums: bool = True) -> dict:
    """What the image keeps of ``song`` played at ``bpm`` (default: its own tempo map).

    Returns plain counts: notes in, notes out, notes kept exactly (same start, pitch and duration in
    ticks, decoded at the song's one tempo), notes that merged with a neighbour of the same pitch
    (in :func:`flatten`, no codec involved), notes outside the rows, whether every time was on the
    0.05 s grid, and whether the decoded notes equal :func:`flatten`'s exactly (a grid-aligned song
    at one tempo: they must).
    """
    if bpm is not None:
        song = song.copy(tempos=[Tempo(0, float(bpm))])
    played = song if drums else song.without_drums()
    on_grid = True
    try:
        note_steps(played)
    except CodecError:
        on_grid = False
    roll = encode_steps(played, quantize=True, drop_outside=True)
    one_tempo = len({t.bpm for t in song.tempos}) == 1
    reference = flatten(played).tracks[0].notes
    report = {
        "notes_in": played.num_notes,
        "outside_rows": outside_count(played),
        "merged": played.num_notes - len(reference),
        "on_grid": on_grid,
    }
    if one_tempo:
        tempo = song.tempos[0].bpm
        try:
            back = decode(roll, bpm=tempo, resolution=song.resolution).tracks[0].notes
        except CodecError:
            back = None
        report["notes_out"] = len(back) if back is not None else None
        original = {(n.start, n.pitch, n.duration) for n in played.notes}
        report["exact"] = len(original & {(n.start, n.pitch, n.duration) for n in back}) if back else 0
        report["equals_flatten"] = back == [Note(n.start, n.pitch, n.duration, 90) for n in reference]
    return report
