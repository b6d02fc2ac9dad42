"""The shared metric suite: hand-made songs with known answers, the same numbers as pypianoroll and
muspy on real data (inputs built from our rolls, their bugs worked around and named), and sanity
checks on the Bach and jazz corpora."""

from __future__ import annotations

import json
import math
import time

import muspy
import numpy as np
import pypianoroll
import pytest

from companion import ChordLabel, Note, Song, TimeSignature, Track, load_corpus
from companion import metrics as M
from companion.codecs import pianoroll
from companion.jazz import REGISTERS

Q = 480  # ticks per beat of every hand-made song
BAR = 4 * Q
STEP = Q // M.STEPS_PER_BEAT  # 40 ticks = one step of the 12-step grid


def song_of(*tracks: Track, **kw) -> Song:
    return Song(tracks=list(tracks), resolution=Q, **kw)


def chord(pitches, start=0, duration=Q) -> list[Note]:
    return [Note(start, p, duration) for p in pitches]


# ============================================================================ hand-made songs
def test_empty_bar_rate_counts_bars_without_a_sounding_note():
    a = Track("a", notes=[Note(0, 60, BAR), Note(BAR, 62, Q)])
    b = Track("b", notes=[Note(0, 48, Q)])  # only in bar 1 of 2
    drums = Track("drums", is_drum=True, notes=[Note(BAR + 3 * Q, 36, STEP)])  # only in bar 2
    song = song_of(a, b, drums)
    assert M.empty_bar_rate(song) == {"a": 0.0, "b": 50.0, "drums": 50.0}
    # A note held over the bar line sounds in both bars.
    held = song_of(Track("a", notes=[Note(3 * Q, 60, 2 * Q)]))
    assert M.empty_bar_rate(held) == {"a": 0.0}
    # A model asked for 4 bars whose last two bars are silent: num_bars tells the real length.
    assert M.empty_bar_rate(song, num_bars=4) == {"a": 50.0, "b": 75.0, "drums": 75.0}
    # In 3/4 a bar is 3 beats: a note on beat 4 is in bar 2.
    waltz = song_of(Track("a", notes=[Note(0, 60, Q), Note(6 * Q, 60, Q)]), time_signatures=[TimeSignature(0, 3, 4)])
    assert M.empty_bar_rate(waltz) == {"a": pytest.approx(100 / 3)}


def test_used_pitch_classes_averages_over_non_empty_bars_and_folds_octaves():
    bar1 = chord([60, 64, 67])  # C E G: 3 pitch classes
    bar3 = chord([48, 60, 72], start=2 * BAR)  # C in three octaves: 1 pitch class
    drums = Track("drums", is_drum=True, notes=chord([36, 38, 42, 46]))
    song = song_of(Track("piano", notes=bar1 + bar3), drums)  # bar 2 is empty and left out
    assert M.used_pitch_classes(song) == {"piano": 2.0}  # (3 + 1) / 2; drums skipped


def test_a_32nd_note_is_not_qualified_and_a_16th_is():
    thirty_seconds = [Note(0, 60, Q // 8), Note(3 * Q + Q // 8, 65, Q // 8)]
    notes = thirty_seconds + [Note(Q, 62, Q // 4), Note(2 * Q, 64, Q)]
    song = song_of(Track("m", notes=notes), Track("drums", is_drum=True, notes=[Note(0, 36, 10)]))
    # A 32nd is 1.5 steps: its ends round to the grid, 0..2 (2 steps) and 37.5..39 (1 step).
    # A 16th is 3 steps, a quarter 12.
    assert M.qualified_note_rate(song) == {"m": 50.0}  # the paper's 3 steps; drums skipped
    # The official MuseGAN code's threshold of 2 lets the first 32nd (rounded to 2 steps) through.
    assert M.qualified_note_rate(song, min_steps=2) == {"m": 75.0}


def test_drum_pattern_rate_on_and_off_the_16th_grid():
    on_grid = [Note(i * Q // 4, 42, STEP) for i in range(16)]  # 16ths
    triplets = [Note(i * Q // 3, 42, STEP) for i in range(12) if i % 3]  # 2nd and 3rd triplet 8ths
    piano = Track("piano", notes=[Note(0, 60, BAR)])
    assert M.drum_pattern_rate(song_of(piano, Track("d", is_drum=True, notes=on_grid))) == 100.0
    off = song_of(piano, Track("d", is_drum=True, notes=triplets))
    assert M.drum_pattern_rate(off) == pytest.approx(10.0)  # MuseGAN's partial credit, 0.1
    assert M.drum_pattern_rate(off, tolerance=0.0) == 0.0
    mixed = song_of(Track("d", is_drum=True, notes=on_grid[:4] + triplets[:4]))
    assert M.drum_pattern_rate(mixed, tolerance=0.0) == 50.0
    assert M.drum_pattern_rate(song_of(piano)) is None


def test_tonal_distance_known_values():
    c, fsharp = 60, 66
    same = song_of(Track("a", notes=chord([60, 64, 67])), Track("b", notes=chord([48, 52, 55])))
    assert M.tonal_distance(same, "a", "b") == pytest.approx(0.0, abs=1e-12)  # C major in any octave
    doubled = song_of(Track("a", notes=chord([60, 64, 67])), Track("b", notes=chord([48, 52, 55, 72])))
    assert M.tonal_distance(doubled, "a", "b") > 0.1  # the chroma is weighted: a doubled root moves it
    # One pitch class is the point (sin, cos) on each circle; C and F# are opposite on the circle of
    # fifths and of minor thirds and the same on that of major thirds: distance sqrt(2^2 + 2^2).
    tritone = song_of(Track("a", notes=[Note(0, c, Q)]), Track("b", notes=[Note(0, fsharp, Q)]))
    assert M.tonal_distance(tritone, "a", "b") == pytest.approx(2 * math.sqrt(2))
    # Averaged over beats where both sound: beat 2 has only track a.
    mixed = song_of(
        Track("a", notes=[Note(0, c, Q), Note(Q, c, Q), Note(2 * Q, c, Q)]),
        Track("b", notes=[Note(0, c, Q), Note(2 * Q, fsharp, Q)]),
    )
    assert M.tonal_distance(mixed, "a", "b") == pytest.approx(math.sqrt(2))
    apart = song_of(Track("a", notes=[Note(0, c, Q)]), Track("b", notes=[Note(Q, c, Q)]))
    assert M.tonal_distance(apart, "a", "b") is None
    with pytest.raises(KeyError):
        M.tonal_distance(apart, "a", "nope")


def test_register_adherence_in_and_out():
    melody = Track("melody", notes=[Note(0, 60, Q), Note(Q, 84, Q), Note(2 * Q, 72, Q), Note(3 * Q, 85, Q)])
    bass = Track("bass", notes=[Note(0, 30, Q)])
    other = Track("other", notes=[Note(0, 10, Q)])
    song = song_of(melody, bass, other)
    assert M.register_adherence(song, REGISTERS) == {"melody": 0.75, "bass": 0.0}  # bounds inclusive


def test_chord_tones_of_a_triad_and_a_cluster():
    triad = song_of(Track("piano", notes=chord([60, 64, 67])), Track("bass", notes=[Note(0, 36, Q)]))
    cmaj7 = [ChordLabel(0, Q, 0, "maj7")]
    assert M.chord_tone_rate(triad, cmaj7) == 1.0
    assert M.chord_tone_rate(triad) == 1.0
    assert [c.name for c in M.recognise_chords(triad)] == ["Cmaj"]  # the simplest template that covers it
    cluster = song_of(Track("piano", notes=chord([60, 61, 62, 63])))
    assert M.chord_tone_rate(cluster, cmaj7) == 0.25  # only C is a tone of Cmaj7
    # No template holds three notes within a minor third: the best covers half of the cluster.
    assert M.chord_tone_rate(cluster) == 0.5
    # Note-time weighs: a whole-note C against a 16th-note C#, under C major.
    weighted = song_of(Track("p", notes=[Note(0, 60, Q), Note(0, 61, Q // 4)]))
    assert M.chord_tone_rate(weighted, [ChordLabel(0, Q, 0, "maj")]) == pytest.approx(12 / 15)
    # Note-time outside every label is not scored; an unknown quality is refused.
    assert M.chord_tone_rate(song_of(Track("p", notes=[Note(0, 60, 2 * Q)])), cmaj7) == 1.0
    with pytest.raises(ValueError, match="sus4"):
        M.chord_tone_rate(triad, [ChordLabel(0, Q, 0, "sus4")])
    # Only the named tracks are scored.
    assert M.chord_tone_rate(cluster, cmaj7, tracks=["piano"]) == 0.25
    assert math.isnan(M.chord_tone_rate(song_of(Track("p", notes=[])), cmaj7))


def test_recognised_chords_merge_and_break_ties_by_the_bass():
    song = song_of(
        Track("upper", notes=chord([64, 67, 72], 0, 2 * Q) + chord([62, 67, 71], 2 * Q, 2 * Q)),
        Track("bass", notes=[Note(0, 48, 2 * Q), Note(2 * Q, 43, 2 * Q)]),
    )
    labels = M.recognise_chords(song)
    assert [(c.tick, c.duration, c.name) for c in labels] == [(0, 2 * Q, "Cmaj"), (2 * Q, 2 * Q, "Gmaj")]
    assert M.chord_tone_rate(song, labels) == M.chord_tone_rate(song) == 1.0
    # A C E G fits Am7 and C6 equally (four tones each): the bass decides.
    upper = Track("upper", notes=chord([64, 67, 72]))
    assert M.recognise_chords(song_of(upper, Track("bass", notes=[Note(0, 45, Q)])))[0].name == "Am7"
    assert M.recognise_chords(song_of(upper, Track("bass", notes=[Note(0, 48, Q), Note(0, 57, Q)])))[0].name == "C6"
    # A silent beat gets no label.
    gap = song_of(Track("p", notes=chord([60, 64, 67]) + chord([60, 64, 67], 2 * Q)))
    assert [c.tick for c in M.recognise_chords(gap)] == [0, 2 * Q]


def eight_bar_song(seed: int = 0) -> Song:
    rng = np.random.default_rng(seed)
    melody = [Note(int(i) * Q // 2, int(p), Q // 2) for i, p in enumerate(rng.integers(60, 80, 64))]
    bass = [Note(i * Q, int(p), Q) for i, p in enumerate(rng.integers(36, 48, 32))]
    drums = [Note(i * Q // 2, 42, STEP) for i in range(64)]
    return song_of(Track("melody", notes=melody), Track("bass", notes=bass), Track("drums", is_drum=True, notes=drums))


def test_copy_rate_finds_verbatim_bars_and_nothing_else():
    training = [eight_bar_song(0), eight_bar_song(1)]
    copied = training[1].crop(2 * BAR, 6 * BAR)  # bars 3-6 of a training song
    assert M.copy_rate([copied], training) == 1.0
    assert M.copy_rate([copied.transpose(1)], training) == 0.0
    assert M.copy_rate([training[1].crop(2 * BAR + Q, 6 * BAR + Q)], training) == 0.0  # not bar-aligned
    fresh = eight_bar_song(2)
    assert M.copy_rate([fresh], training) == 0.0
    # Five windows of the fresh song, one copied window (the 4 first bars): 1 / 6.
    assert M.copy_rate([fresh, copied.copy()], training) == pytest.approx(1 / 6)
    assert M.copy_rate([training[0]], training, window_bars=2) == 1.0
    assert math.isnan(M.copy_rate([copied.crop(0, 3 * BAR)], training))  # shorter than a window


def test_diversity_is_zero_for_identical_songs_and_one_for_disjoint():
    song = eight_bar_song(0)
    assert M.diversity([song, song.copy(), song.copy()]) == 0.0
    assert M.diversity([song, song.transpose(1).without_drums()]) == 1.0
    # Jaccard: a C quarter note (4 cells at 4 steps per beat) against C and E: 4 shared of 8.
    c = song_of(Track("p", notes=[Note(0, 60, Q)]))
    ce = song_of(Track("p", notes=[Note(0, 60, Q), Note(0, 64, Q)]))
    assert M.diversity([c, ce]) == 0.5
    assert M.diversity([c, ce, c]) == pytest.approx((0.5 + 0.0 + 0.5) / 3)
    many = [eight_bar_song(i) for i in range(6)]
    value = M.diversity(many)
    assert 0.3 < value < 1.0
    assert M.diversity(many, max_pairs=5, seed=1) == M.diversity(many, max_pairs=5, seed=1)
    assert math.isnan(M.diversity([song]))


def test_song_and_corpus_rows_agree_and_are_json():
    songs = [eight_bar_song(i) for i in range(3)]
    registers = {"melody": (60, 79), "bass": (36, 40)}
    row = M.song_metrics(songs[0], registers)
    corpus_row = M.corpus_metrics(songs[:1], registers)
    assert {k: v for k, v in corpus_row.items() if k != "diversity"} == row
    pooled = M.corpus_metrics(songs, registers, training=songs[:1])
    json.dumps(pooled, allow_nan=False)
    assert pooled["songs"] == 3 and pooled["bars"] == 24 and pooled["copy_rate"] == round(5 / 15, 4)
    assert pooled["DP"] == 100.0 and pooled["chords"] == "recognised"
    assert set(pooled["TD"]) == {"melody/bass"} and set(pooled["QN"]) == {"melody", "bass"}
    assert pooled["register_adherence"]["melody"] == 1.0 and 0 < pooled["register_adherence"]["bass"] < 1
    # Pooling: the bass's adherence is in-register notes over all notes of the three songs.
    in_register = sum(36 <= n.pitch <= 40 for s in songs for n in s.tracks[1].notes)
    assert pooled["register_adherence"]["bass"] == round(in_register / 96, 4)


# ============================================================ real data against pypianoroll and muspy
@pytest.fixture(scope="module")
def bach() -> list[Song]:
    return load_corpus("bach").songs[:30]


@pytest.fixture(scope="module")
def jazz() -> list[Song]:
    return load_corpus("jazz", num_bars=300).songs


def bar_steps(song: Song) -> int:
    return song.ticks_per_bar // (song.resolution // M.STEPS_PER_BEAT)


def padded_roll(song: Song) -> pianoroll.Roll:
    """Our roll at 12 steps per beat, cut or padded to whole bars (what pypianoroll reshapes)."""
    length = song.num_bars * bar_steps(song)
    return pianoroll.encode(song, M.STEPS_PER_BEAT, quantize=True, num_steps=length)


def _binary(roll: pianoroll.Roll) -> pianoroll.Roll:
    """The roll as a model outputs it: active cells only."""
    return pianoroll.Roll(
        roll.active, None, None, roll.steps_per_beat, 0, roll.tracks, roll.tempos, roll.time_signatures
    )


def chroma_for_pypianoroll(chroma: np.ndarray) -> np.ndarray:
    """pypianoroll 1.0.4's chroma sums 12 blocks of 10 consecutive pitches (not pitch classes):
    put pitch class c in column 10 * c so that its bug gives the true chroma back."""
    out = np.zeros((len(chroma), 128), dtype=np.int64)
    out[:, 10 * np.arange(12)] = chroma
    return out


def chroma_of(active: np.ndarray) -> np.ndarray:
    """(steps, 12): sounding pitches of each pitch class per step, computed the slow obvious way."""
    out = np.zeros((len(active), 12), dtype=np.int64)
    for p in range(128):
        out[:, p % 12] += active[:, p]
    return out


def test_pypianoroll_bugs_we_work_around():
    roll = np.zeros((48, 128), dtype=bool)
    roll[:12, 60] = True  # one sounding beat of four
    # empty_beat_rate returns the NON-empty rate: 1 beat of 4 sounds, so 3/4 are empty, yet it says 0.25.
    assert pypianoroll.empty_beat_rate(roll, 12) == 0.25
    # Its chroma groups 10 consecutive pitches: C4 and C#4 (60, 61) count as ONE pitch class.
    roll[:12, 61] = True
    assert pypianoroll.n_pitch_classes_used(roll) == 1
    assert pypianoroll.n_pitch_classes_used(chroma_for_pypianoroll(chroma_of(roll))) == 2


def test_empty_bar_rate_matches_pypianoroll_and_muspy(bach, jazz):
    for song in bach + jazz:
        roll = padded_roll(song)
        ours = M.empty_bar_rate(song)
        one_beat_bars = song.copy(time_signatures=[TimeSignature(0, 1, 4)])
        beats = M.empty_bar_rate(one_beat_bars)
        num_beats = one_beat_bars.num_bars
        for index, track in enumerate(song.tracks):
            # pypianoroll's "empty_beat_rate" with a "beat" of one bar is 1 - EB (its bug, see above).
            assert 1 - pypianoroll.empty_beat_rate(roll.active[index], bar_steps(song)) == pytest.approx(
                ours[track.name] / 100
            )
            per_beat = pypianoroll.empty_beat_rate(roll.active[index, : num_beats * 12], 12)
            assert 1 - per_beat == pytest.approx(beats[track.name] / 100)
        # muspy: all tracks pooled (its metric is per song). It files a note under the bar of its
        # exclusive end tick, so a note ending on a bar line would mark the next bar; we give it the
        # note's last sounding step (duration - 1) to compare like with like.
        runs = pianoroll.decode(_binary(roll), resolution=M.STEPS_PER_BEAT)
        music = muspy.Music(
            resolution=M.STEPS_PER_BEAT,
            tracks=[
                muspy.Track(
                    notes=[muspy.Note(n.start, n.pitch, n.duration - 1, 64) for t in runs.tracks for n in t.notes]
                )
            ],
        )
        merged = song.copy(tracks=[Track("all", notes=[n for t in song.tracks for n in t.notes])])
        assert muspy.empty_measure_rate(music, bar_steps(song)) == pytest.approx(M.empty_bar_rate(merged)["all"] / 100)
        merged_beats = merged.copy(time_signatures=[TimeSignature(0, 1, 4)])
        assert muspy.empty_beat_rate(music) == pytest.approx(M.empty_bar_rate(merged_beats)["all"] / 100)


def test_used_pitch_classes_match_pypianoroll_and_muspy(bach, jazz):
    for song in bach + jazz:
        roll = padded_roll(song)
        ours = M.used_pitch_classes(song)
        size = bar_steps(song)
        for index, track in enumerate(song.tracks):
            if track.is_drum:
                continue
            theirs_pp, theirs_muspy = [], []
            for start in range(0, roll.num_steps, size):
                bar = roll.active[index, start : start + size]
                if not bar.any():
                    continue  # UPC is averaged over non-empty bars (MuseGAN); both libraries are per roll
                theirs_pp.append(pypianoroll.n_pitch_classes_used(chroma_for_pypianoroll(chroma_of(bar))))
                notes = [muspy.Note(0, int(p), 1, 64) for p in np.flatnonzero(bar.any(0))]
                theirs_muspy.append(muspy.n_pitch_classes_used(muspy.Music(tracks=[muspy.Track(notes=notes)])))
            assert ours[track.name] == pytest.approx(np.mean(theirs_pp))
            assert ours[track.name] == pytest.approx(np.mean(theirs_muspy))


def test_qualified_note_rate_matches_pypianoroll(bach, jazz):
    rng = np.random.default_rng(0)
    fragmented_qn = []
    for song in bach + jazz:
        real = padded_roll(song)
        # Real notes are nearly all qualified (QN ~ 100 %): also check a fragmented roll, as a GAN
        # makes, with 30 % of the cells dropped at random.
        fragmented = _binary(real)
        fragmented.active = real.active & (rng.random(real.active.shape) > 0.3)
        for roll in (real, fragmented):
            # What a model gives: a binary roll, decoded run-wise; QN is then about those runs.
            runs = pianoroll.decode(_binary(roll), resolution=song.resolution)
            ours = M.qualified_note_rate(runs)
            for index, track in enumerate(song.tracks):
                if track.is_drum:
                    continue
                # pypianoroll pairs onsets and offsets in a time-major flattening of the whole roll,
                # which mispairs overlapping pitches, and a bool roll wraps around in uint8: give it
                # one int column holding each pitch's time line after the other, with a silent step
                # between.
                column = np.pad(roll.active[index].T.astype(np.int64), ((0, 0), (0, 1))).reshape(-1, 1)
                theirs = pypianoroll.qualified_note_rate(column, M.QN_MIN_STEPS)
                assert ours[track.name] == pytest.approx(100 * theirs)
                if roll is fragmented:
                    fragmented_qn.append(ours[track.name])
        # The written notes differ from the runs only where repeated notes of one pitch abut and
        # merge into one run (rare in both corpora): within one percentage point.
        written, runs = M.qualified_note_rate(song), M.qualified_note_rate(pianoroll.decode(_binary(real)))
        assert written == pytest.approx(runs, abs=1.0)
    assert 40 < np.mean(fragmented_qn) < 80  # fragmented rolls are far from 100 %


def tonal_beat_for_pypianoroll(chroma: np.ndarray) -> np.ndarray:
    """One beat (12 steps) that pypianoroll 1.0.4's tonal_distance maps correctly.

    Its ``_to_tonal_space`` normalises the chroma per step (not per beat) and its
    ``matmul(tonal_matrix, beat_chroma.T)`` contracts the tonal matrix's 12 columns with the 12 steps
    of a beat (not with the 12 pitch classes). So we lay the beat's normalised chroma out along the
    steps: step t holds pitch class t's weight w in block 0 and 1 - w in block 1 (every step then sums
    to 1 and survives the per-step normalisation). Block 0 maps to our centroid x, block 1 to -x (each
    row of the tonal matrix sums to 0 over the 12 pitch classes), so its distance is sqrt(2) times ours.
    """
    weights = chroma / chroma.sum()
    beat = np.zeros((12, 128))
    beat[:, 0], beat[:, 10] = weights, 1 - weights
    return beat


def test_tonal_distance_matches_pypianoroll(bach, jazz):
    assert np.allclose(pypianoroll.metrics._get_tonal_matrix(1.0, 1.0, 0.5), M._tonal_matrix())
    for song in bach[:10] + jazz:
        roll = padded_roll(song)
        pitched = [i for i, t in enumerate(song.tracks) if not t.is_drum]
        for a in pitched:
            for b in pitched:
                if b <= a:
                    continue
                ours = M.tonal_distance(song, song.tracks[a].name, song.tracks[b].name)
                # Per beat where both sound (pypianoroll gives NaN for a silent beat and the Frobenius
                # norm over all beats, not a mean), the beat's duration-weighted chroma of each track.
                ca = chroma_of(roll.active[a]).reshape(-1, 12, 12).sum(1)
                cb = chroma_of(roll.active[b]).reshape(-1, 12, 12).sum(1)
                both = (ca.sum(1) > 0) & (cb.sum(1) > 0)
                distances = [
                    pypianoroll.tonal_distance(tonal_beat_for_pypianoroll(x), tonal_beat_for_pypianoroll(y), 12)
                    / math.sqrt(2)
                    for x, y in zip(ca[both], cb[both])
                ]
                if not distances:
                    assert ours is None
                else:
                    assert ours == pytest.approx(np.mean(distances), rel=1e-9)


def test_drum_pattern_rate_matches_pypianoroll_and_muspy(jazz):
    for song in jazz:
        roll = padded_roll(song)
        drums = next(i for i, t in enumerate(song.tracks) if t.is_drum)
        onsets = roll.onsets[drums]
        # pypianoroll at 12 steps per beat only takes one beat (its filter is one beat long) and counts
        # active cells: give it each beat's onsets and pool the beats by their onset counts.
        scored = total = 0.0
        for s in range(0, roll.num_steps, 12):
            beat = onsets[s : s + 12]
            if beat.any():
                scored += pypianoroll.drum_in_pattern_rate(beat, 12, tolerance=0.1) * beat.sum()
                total += beat.sum()
        assert M.drum_pattern_rate(song) == pytest.approx(100 * scored / total)
        # muspy's duple pattern at 12 steps per beat is the strict 16th grid: our tolerance 0.
        steps, pitches = np.nonzero(onsets)
        notes = [muspy.Note(int(t), int(p), 1, 64) for t, p in zip(steps, pitches)]
        music = muspy.Music(resolution=12, tracks=[muspy.Track(is_drum=True, notes=notes)])
        assert M.drum_pattern_rate(song, tolerance=0.0) == pytest.approx(
            100 * muspy.drum_in_pattern_rate(music, "duple")
        )


# ============================================================================ real-data sanity
def scrambled(song: Song, seed: int) -> Song:
    """The same rhythm with seeded random pitches in every pitched track."""
    rng = np.random.default_rng(seed)
    tracks = [
        t
        if t.is_drum
        else Track(t.name, t.program, False, [Note(n.start, int(rng.integers(36, 97)), n.duration) for n in t.notes])
        for t in song.tracks
    ]
    return song.copy(tracks=tracks)


def test_real_music_fits_its_chords_and_registers_and_random_pitches_do_not(bach, jazz):
    melody_bass = sum(M._Analysis(s).chord_tones(s.chords, ["melody", "bass"])[0] for s in jazz) / sum(
        M._Analysis(s).chord_tones(s.chords, ["melody", "bass"])[1] for s in jazz
    )
    assert melody_bass > 0.7
    for song in jazz:
        assert M.chord_tone_rate(song, song.chords, tracks=["melody", "bass"]) > 0.65
        assert set(M.register_adherence(song, REGISTERS).values()) == {1.0}
    bach_row = M.corpus_metrics(bach)
    assert bach_row["chords"] == "recognised" and bach_row["chord_tone_rate"] > 0.7
    jazz_row = M.corpus_metrics(jazz, REGISTERS)
    assert jazz_row["chords"] == "ground truth" and jazz_row["register_adherence_mean"] == 1.0
    random_bach = M.corpus_metrics([scrambled(s, i) for i, s in enumerate(bach)])
    random_jazz = M.corpus_metrics([scrambled(s, i) for i, s in enumerate(jazz)], REGISTERS)
    # The recogniser picks the most favourable chord per beat, so even random pitches score well.
    assert random_bach["chord_tone_rate"] < bach_row["chord_tone_rate"] - 0.1
    assert random_jazz["chord_tone_rate"] < 0.45  # about 4 tones in 12 by chance
    assert random_jazz["register_adherence_mean"] < 0.5
    assert random_bach["UPC_mean"] > bach_row["UPC_mean"]


def test_the_suite_is_fast(jazz):
    # 2,000 bars of "generated" music: 500 four-bar windows of the jazz corpus, as binary rolls decode.
    windows = []
    for song in jazz:
        for start in range(0, song.num_bars - 3, 4):
            roll = pianoroll.encode(song.crop(start * BAR, (start + 4) * BAR), 12, num_steps=4 * 48)
            windows.append(pianoroll.decode(_binary(roll)))
    generated = (windows * (500 // len(windows) + 1))[:500]
    began = time.process_time()  # CPU time: a busy machine does not make the suite look slow
    row = M.corpus_metrics(generated, REGISTERS, training=jazz)
    assert time.process_time() - began < 2.0
    assert row["bars"] == 2000 and row["copy_rate"] == 1.0


# ----------------------------------------------------------------- what a listener hears, measured
def test_voice_crossing_rate_counts_the_steps_where_a_lower_voice_is_above_a_higher_one():
    soprano = Track("Soprano", notes=[Note(0, 67, 1920)])  # G4 for a bar
    alto = Track("Alto", notes=[Note(0, 64, 960), Note(960, 69, 960)])  # E4 below it, then A4 above it
    bass = Track("Bass", notes=[Note(0, 48, 1920)])
    assert M.voice_crossing_rate(Song([soprano, alto, bass])) == 0.5
    assert M.voice_crossing_rate(Song([soprano, bass])) == 0.0
    assert math.isnan(M.voice_crossing_rate(Song([soprano])))  # one voice cannot cross


def test_bach_rarely_crosses_voices(bach):
    assert M.voice_crossing_rate(bach) < 0.05


def test_chord_in_key_rate_is_one_for_diatonic_chords_and_falls_with_chromatic_ones():
    def chords(*roots_and_thirds):  # one bar per triad (root, third above it)
        return Song([Track("piano", notes=[Note(1920 * i, p, 1920) for i, (r, third) in enumerate(roots_and_thirds)
                                           for p in (r, r + third, r + 7)])])

    assert M.estimate_key(chords((60, 4), (65, 4), (67, 4), (60, 4))) == (0, "major")
    assert M.chord_in_key_rate(chords((60, 4), (65, 4), (67, 4), (60, 4))) == 1.0  # I IV V I
    assert M.chord_in_key_rate(chords((60, 4), (61, 4), (67, 4), (60, 4))) < 1.0  # a Db major in C
    assert math.isnan(M.chord_in_key_rate(Song([Track("piano")])))


def test_walking_bass_rate_counts_the_beats_on_which_the_bass_starts_a_note():
    bass = Track("bass", notes=[Note(0, 36, 480), Note(480, 38, 480), Note(1440, 41, 480)])
    assert M.walking_bass_rate(Song([bass])) == 0.75  # beats 1, 2 and 4 of one 4/4 bar
    stutter = Track("bass", notes=[Note(0, 36, 120), Note(120, 36, 120), Note(240, 36, 120)])
    assert M.walking_bass_rate(Song([stutter])) == 0.25  # three notes, one beat
    assert math.isnan(M.walking_bass_rate(Song([Track("melody", notes=[Note(0, 72, 480)])])))
