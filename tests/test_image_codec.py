"""The image codec of lesson 03: seconds on a 0.05 s grid, 96 pitch rows, RGB packing of 3 steps
per pixel, and a round trip exact up to what a picture can hold (tested on every Bach chorale)."""

import numpy as np
import pytest

from companion import CodecError, Note, Song, Tempo, Track, load_corpus
from companion.codecs import image

BACH_BPM = 75.0
"""At 75 bpm a beat is 0.8 s = 16 steps of 0.05 s, so a chorale's 32nd note (1/8 beat, the finest
value in the corpus) is exactly 2 steps and every chorale lies on the image's grid."""


def _song(notes, bpm=100.0, drums=()):
    tracks = [Track("a", 0, False, list(notes))]
    if drums:
        tracks.append(Track("drums", 0, True, list(drums)))
    return Song(tracks=tracks, resolution=480, tempos=[Tempo(0, bpm)], title="t")


def test_the_numbers_of_the_seed():
    assert image.STEPS == 192 and image.clip_seconds() == pytest.approx(9.6)  # the seed's "9.2 s" is a slip
    assert image.COLUMNS * image.SECONDS_PER_STEP == pytest.approx(3.2)  # 64 unpacked columns: 3.2 s
    assert (image.LOWEST_PITCH, image.HIGHEST_PITCH) == (21, 116)
    assert image.LAYOUTS == {"rgb": (3, 96, 64), "plain": (1, 96, 192)}


def test_time_goes_through_the_tempo_map_in_seconds():
    # 100 bpm: a 16th note is 0.15 s = 3 steps; after the tempo change to 150 bpm, 0.1 s = 2 steps.
    song = _song([Note(0, 60, 120), Note(480, 62, 120), Note(960, 64, 120)])
    song.tempos = [Tempo(0, 100.0), Tempo(960, 150.0)]
    steps = image.note_steps(song)
    assert steps.tolist() == [[0, 3, 60], [12, 15, 62], [24, 26, 64]]
    roll = image.encode_steps(song)
    assert roll.shape == (96, 26)
    assert roll[116 - 60, 0:3].all() and not roll[116 - 60, 3]
    assert roll[116 - 64, 24:26].all()  # row 0 is the top row: the highest pitch


def test_off_grid_notes_are_refused_unless_quantised():
    song = _song([Note(0, 60, 480)], bpm=97.0)  # a beat of 0.6186 s is not a whole number of steps
    with pytest.raises(CodecError, match="off the 0.05 s grid"):
        image.note_steps(song)
    assert image.note_steps(song, quantize=True).tolist() == [[0, 12, 60]]


def test_rgb_packing_puts_three_consecutive_steps_in_one_pixel():
    roll = np.zeros((96, 192), dtype=bool)
    roll[10, 0] = roll[20, 4] = roll[30, 191] = True  # steps 0 (R of col 0), 4 (G of col 1), 191 (B of col 63)
    packed = image.pack(roll)
    assert packed.shape == (3, 96, 64) and packed.dtype == np.float32
    assert packed[0, 10, 0] == 1 and packed[1, 20, 1] == 1 and packed[2, 30, 63] == 1 and packed.sum() == 3
    assert (image.unpack(packed) == roll).all()
    plain = image.pack(roll, "plain")
    assert plain.shape == (1, 96, 192) and (image.unpack(plain) == roll).all()
    with pytest.raises(CodecError, match="does not pack"):
        image.pack(roll[:, :100])
    with pytest.raises(CodecError, match="unknown layout"):
        image.pack(roll, "cmyk")


def test_a_grid_aligned_melody_round_trips_exactly():
    # 100 bpm, 16th notes (3 steps) and longer, rests between repeated pitches.
    notes = [Note(0, 60, 120), Note(120, 62, 240), Note(480, 60, 360), Note(960, 116, 480), Note(1440, 21, 1200)]
    song = _song(notes)
    for layout in image.LAYOUTS:
        picture = image.encode(song, layout=layout)
        back = image.decode(picture, bpm=100.0)
        assert back.tracks[0].notes == [Note(n.start, n.pitch, n.duration, 90) for n in sorted(notes)]
        assert back.tempos == [Tempo(0, 100.0)]


def test_touching_notes_of_one_pitch_merge_and_tracks_become_one():
    song = _song([Note(0, 60, 480), Note(480, 60, 480)], drums=[Note(0, 38, 120)])
    back = image.decode(image.encode(song))
    assert back.tracks[0].notes == [Note(0, 38, 120, 90), Note(0, 60, 960, 90)]  # one track, the drum hit a D
    assert image.decode(image.encode(song, drums=False)).tracks[0].notes == [Note(0, 60, 960, 90)]
    report = image.roundtrip_report(song)
    assert report["merged"] == 1 and report["equals_flatten"] and report["exact"] == 1


def test_windows_cut_and_pad():
    song = _song([Note(0, 60, 480 * 20)])  # 20 beats at 100 bpm = 12 s = 240 steps
    clips = image.windows(song)
    assert clips.shape == (2, 3, 96, 64)
    assert clips[0, :, 116 - 60].all() and clips[1].sum() == 240 - 192
    assert image.windows(song, keep_partial=False).shape == (1, 3, 96, 64)
    assert image.windows(song, hop=96, layout="plain").shape == (3, 1, 96, 192)


def test_reverse_and_shift_work_in_steps_not_columns():
    roll = np.zeros((96, 192), dtype=bool)
    roll[5, 0:4] = True
    packed = image.pack(roll)
    back = image.unpack(image.reverse(packed))
    assert back[5, 188:].all() and back.sum() == 4
    moved = image.shift(packed, 1)
    assert moved[1:, 5, 0].all() and moved[0, 5, 1] == 1 and moved[1, 5, 1] == 1 and moved.sum() == 4
    assert not np.array_equal(moved, packed) and (image.unpack(image.shift(packed, -1))[5, 0:3]).all()
    batch = np.stack([packed, packed])
    assert image.reverse(batch).shape == batch.shape


def test_threshold_and_tempo_of_decoding():
    roll = np.zeros((96, 192), dtype=np.float32)
    roll[116 - 60, 0:6] = [0.9, 0.6, 0.4, 0.9, 0.55, 0.2]
    assert [n.duration for n in image.decode(roll, threshold=0.5).tracks[0].notes] == [80, 80]
    assert [n.duration for n in image.decode(roll, threshold=0.3).tracks[0].notes] == [200]
    assert image.decode(roll, bpm=75.0).tracks[0].notes[0].duration == 60  # 75 bpm: 30 ticks per step
    with pytest.raises(CodecError, match="whole number"):
        image.decode(roll, bpm=97.0)
    with pytest.raises(CodecError, match="expected an image"):
        image.decode(np.zeros((2, 96, 64)))


def test_pitches_outside_the_rows_are_refused_or_dropped():
    song = _song([Note(0, 20, 120), Note(0, 60, 120), Note(0, 117, 120)])
    with pytest.raises(CodecError, match="outside the image's rows 21..116"):
        image.encode(song)
    assert image.outside_count(song) == 2
    assert image.encode(song, drop_outside=True).sum() == 3


def test_the_picture_of_a_packed_image():
    roll = np.zeros((96, 192), dtype=bool)
    roll[0, 0:3] = True  # white: all three steps of the pixel
    roll[1, 3] = True  # red: the first step only
    pixels = image.to_picture(image.pack(roll))
    assert pixels.shape == (96, 64, 3) and pixels.dtype == np.uint8
    assert pixels[0, 0].tolist() == [255, 255, 255] and pixels[1, 1].tolist() == [255, 0, 0]


@pytest.fixture(scope="module")
def bach():
    return load_corpus("bach")


def test_every_bach_chorale_window_round_trips_exactly(bach):
    """Every 9.6 s window of every chorale at 75 bpm (12 beats = 5,760 ticks): decoding the image
    gives exactly the notes a picture can hold (flatten, computed in ticks without the codec)."""
    window_ticks = int(image.clip_seconds() * BACH_BPM / 60 * 480)
    assert window_ticks == 5760
    windows = 0
    for song in bach.songs:
        song = song.copy(tempos=[Tempo(0, BACH_BPM)])
        assert song.resolution == 480 and image.outside_count(song) == 0
        clips = image.windows(song)
        assert len(clips) == -(-song.end_tick // window_ticks)
        for k, clip in enumerate(clips):
            expected = image.flatten(song.crop(k * window_ticks, (k + 1) * window_ticks)).tracks[0].notes
            assert image.decode(clip, bpm=BACH_BPM).tracks[0].notes == expected, (song.title, k)
            windows += 1
    assert windows > 1000


def test_at_100_bpm_only_the_chorales_with_32nd_notes_are_off_grid(bach):
    off = [s.title for s in bach.songs if not image.roundtrip_report(s, bpm=100.0)["on_grid"]]
    assert len(off) == sum(1 for s in bach.songs if s.grid() == 8)
    assert all(image.roundtrip_report(s, bpm=150.0)["equals_flatten"] for s in bach.songs[:20])
