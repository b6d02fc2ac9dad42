"""The event codec of lesson 05: exact round trips on every corpus, the JSB frame bijection, and the
per-frame likelihood contract with a real (tiny) GPT."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from companion import Note, Song, TimeSignature, Track
from companion.codecs import events
from companion.codecs.events import VOCAB, EventCodec, roundtrip_report, token_kind, vocabulary_breakdown
from companion.codecs.tokens import codec_for, codec_from_dict
from companion.data import load_corpus
from companion.errors import CodecError


@pytest.fixture(scope="module")
def bach():
    return load_corpus("bach")


@pytest.fixture(scope="module")
def jazz():
    return load_corpus("jazz")


@pytest.fixture(scope="module")
def jsb(jsb_path):
    return load_corpus("jsb", path=jsb_path)


# ----------------------------------------------------------------------------- vocabulary
def test_vocabulary_is_fixed_small_and_partitioned():
    assert EventCodec.vocab_size == len(VOCAB) == 342 < 357  # MidiTok REMI's default
    assert len(set(VOCAB)) == len(VOCAB)
    assert sum(vocabulary_breakdown().values()) == len(VOCAB)
    assert [token_kind(i) for i in (0, 3, 4)] == ["special", "bar", "frame"]
    assert VOCAB[events.CHORD0 + 5 * 12 + 7] == "Chord_Gm7"  # quality m7 (index 5), root G
    with pytest.raises(CodecError, match="outside the event vocabulary"):
        token_kind(len(VOCAB))


def test_registry_and_persistence():
    codec = codec_for("events", pitch="degree", velocity=True)
    assert isinstance(codec, EventCodec)
    codec.fit([load_corpus("jazz", num_bars=64).train[0]])
    again = codec_from_dict(codec.to_dict())
    assert isinstance(again, EventCodec) and again.to_dict() == codec.to_dict()
    with pytest.raises(CodecError):
        EventCodec.from_dict({"model": "gpt-events", "vocab_size": 10})
    with pytest.raises(CodecError):
        EventCodec(pitch="solfege")


# ----------------------------------------------------------------------------- round trips
@pytest.mark.parametrize("pitch", ["absolute", "degree"])
def test_every_jazz_piece_round_trips_with_its_chords(jazz, pitch):
    codec = EventCodec(pitch, quantize=False)
    for song in jazz.songs:
        report = roundtrip_report(song, codec)
        assert report["exact"], (song.title, report)
        assert report["notes"] == song.num_notes


def test_every_bach_chorale_round_trips(bach):
    codec = EventCodec(quantize=False)  # degrees under recognised chords: the default spelling
    bad = [(s.title, r) for s in bach.songs if not (r := roundtrip_report(s, codec))["exact"]]
    assert not bad
    assert len(bach.songs) == 365
    absolute = EventCodec("absolute", chords=False, quantize=False)  # the other spelling, without chords
    assert all(roundtrip_report(s, absolute)["exact"] for s in bach.songs)


def test_32nd_notes_use_the_nudge_tokens_and_stay_exact(bach):
    fine = [s for s in bach.songs if s.grid() == 8]
    assert fine, "the corpus has chorales with 32nd notes"
    codec = EventCodec("absolute", quantize=False)
    for song in fine:
        tokens = codec.encode(song)
        assert events.NUDGE in tokens or events.DUR_NUDGE in tokens
        assert roundtrip_report(song, codec)["exact"]


def test_ground_truth_chords_are_the_chord_tokens(jazz):
    codec = EventCodec()
    song = jazz.train[0]
    names = [n for n in codec.describe(codec.encode(song)) if n.startswith("Chord_")]
    assert names == [f"Chord_{c.name}" for c in song.chords]
    assert codec.decode(codec.encode(song)).chords == song.chords


def test_drums_are_tokens_that_can_be_dropped(jazz):
    song = jazz.train[1]
    codec = EventCodec(drums=False, quantize=False)
    back = codec.decode(codec.encode(song))
    assert [t.is_drum for t in back.tracks] == [False] * 4
    pitched = song.without_drums()

    def timing(track: Track) -> list:
        return sorted((n.start, n.pitch, n.duration) for n in track.notes)

    assert [timing(t) for t in back.tracks] == [timing(t) for t in pitched.tracks]
    with_drums = EventCodec().encode(song)
    assert events.DRUMS in with_drums and events.DRUMS not in codec.encode(song)


def test_velocity_tokens_keep_eight_levels(jazz):
    codec = EventCodec(velocity=True, quantize=False)
    song = jazz.valid[0]
    assert roundtrip_report(song, codec)["exact"]
    back = codec.decode(codec.encode(song))
    assert {n.velocity // 16 for n in back.notes} == {n.velocity // 16 for n in song.notes}


def test_fitted_layout_gives_a_prompt_and_fills_a_missing_header(jazz):
    codec = EventCodec()
    codec.fit(jazz.train)
    song = jazz.valid[0]
    tokens = codec.encode(song)
    prompt = codec.generation_prompt()
    assert tokens[: len(prompt)] == prompt  # every jazz piece starts with the corpus's header
    headless = codec.decode([events.BOS, *tokens[len(prompt) :]])  # model output with no header
    assert [(t.name, t.program, t.is_drum) for t in headless.tracks] == codec.layout
    assert [sorted(t.notes) for t in headless.tracks] == [sorted(t.notes) for t in codec.decode(tokens).tracks]
    codec.fit_frames([np.zeros((2, 88), dtype=np.uint8)])
    assert codec.generation_prompt() == [events.BOS]


def test_small_song_round_trip_3_4_triplets_drums(small_song):
    assert roundtrip_report(small_song, EventCodec(chords=False, quantize=False))["exact"]
    back = EventCodec(quantize=False).decode(EventCodec(quantize=False).encode(small_song))
    assert [(t.program, t.is_drum) for t in back.tracks] == [(66, False), (32, False), (0, True)]
    assert back.time_signatures == [TimeSignature(0, 3, 4)]


def test_time_signature_change_on_a_bar_line_round_trips():
    notes = [Note(i * 480, 60 + i % 5, 480) for i in range(14)]
    song = Song([Track("p", 0, False, notes)], time_signatures=[TimeSignature(0, 4, 4), TimeSignature(1920, 3, 4)])
    codec = EventCodec(chords=False, quantize=False)
    assert roundtrip_report(song, codec)["exact"]
    assert "TimeSig_3/4" in codec.describe(codec.encode(song))


def test_off_grid_and_unsupported_songs_raise_or_snap():
    off = Song([Track("p", 0, False, [Note(7, 60, 470), Note(480, 62, 3)])], title="wobbly")
    with pytest.raises(CodecError, match="wobbly"):
        EventCodec(quantize=False).encode(off)
    snapped = EventCodec(chords=False).decode(EventCodec(chords=False).encode(off))
    assert [(n.start, n.duration) for n in snapped.notes] == [(0, 480), (480, 40)]
    seven = Song([Track("p", 0, False, [Note(0, 60, 480)])], time_signatures=[TimeSignature(0, 7, 4)], title="odd")
    with pytest.raises(CodecError, match="7/4"):
        EventCodec().encode(seven)
    many = Song([Track(f"t{i}", 0, False, [Note(0, 60, 480)]) for i in range(17)])
    with pytest.raises(CodecError, match="17 tracks"):
        EventCodec().encode(many)
    moved = Song(
        [Track("p", 0, False, [Note(0, 60, 960)])], time_signatures=[TimeSignature(0), TimeSignature(480, 3, 4)]
    )
    with pytest.raises(CodecError, match="bar line"):
        EventCodec(chords=False).encode(moved)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, len(VOCAB) - 1), max_size=300))
def test_decode_is_tolerant_of_any_token_sequence(tokens):
    song = EventCodec().decode([events.BOS, *tokens])
    for note in song.notes:
        assert 0 <= note.pitch <= 127 and note.duration > 0 and note.start >= 0
    for chord in song.chords:
        assert chord.duration > 0


def _check_running_length(codec: EventCodec, tokens: list[int], cuts: list[int]) -> None:
    running, read = codec.running_length(), 0
    for cut in sorted(cuts):
        running.read(tokens[read:cut])
        read = cut
        song = codec.decode(tokens[:cut])
        known = running.end_and_bar()
        if known is None:  # only where decode reads the frame serialisation
            assert events.FRAME in tokens[:cut]
        else:
            assert known == (song.end_tick, song.ticks_per_bar), cut


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, len(VOCAB) - 1), max_size=300), st.lists(st.integers(0, 301), max_size=12))
def test_the_running_length_is_decode_s_on_any_token_sequence(tokens, cuts):
    tokens = [events.BOS, *tokens]
    _check_running_length(EventCodec(), tokens, [min(c, len(tokens)) for c in cuts] + [len(tokens)])


@pytest.mark.parametrize("pitch", ["degree", "absolute"])
def test_the_running_length_is_decode_s_on_real_and_garbled_songs(jazz, pitch):
    codec = EventCodec(pitch)
    codec.fit(jazz.train)
    rng = np.random.default_rng(0)
    for song in jazz.train[:6]:
        tokens = codec.encode(song)[:-1]  # no EOS: what sampling grows
        garbled = [int(rng.integers(3, len(VOCAB))) if rng.random() < 0.1 else t for t in tokens]
        for ids in (tokens, garbled):
            _check_running_length(codec, ids, rng.integers(0, len(ids) + 1, size=15).tolist() + [len(ids)])
    assert EventCodec().running_length() is not None
    frames = EventCodec()
    frames.fit_frames([np.zeros((2, 88), dtype=np.uint8)])
    assert frames.running_length() is None


# ----------------------------------------------------------------------------- JSB frames
def test_jsb_serialisation_is_a_bijection_on_the_benchmark(jsb):
    codec = EventCodec()
    codec.fit_frames(jsb.frames["train"])
    for split in ("train", "valid", "test"):
        for frames in jsb.frames[split]:
            tokens, frame_of = codec.encode_frames(frames)
            np.testing.assert_array_equal(codec.decode_frames(tokens), frames)
            assert len(frame_of) == len(tokens) - 1
            assert frame_of[-1] == len(frames) - 1 and np.all(np.diff(frame_of) >= 0)
            assert tokens.count(events.FRAME) == len(frames)
    np.testing.assert_array_equal(codec.extra_frame_nll(frames), np.zeros(len(frames)))


@settings(max_examples=80, deadline=None)
@given(arrays(np.uint8, st.tuples(st.integers(0, 12), st.just(88)), elements=st.integers(0, 1)))
def test_frame_serialisation_is_a_bijection_on_random_frames(frames):
    codec = EventCodec()
    tokens, frame_of = codec.encode_frames(frames)
    np.testing.assert_array_equal(codec.decode_frames(tokens), frames)
    assert codec.encode_frames(codec.decode_frames(tokens)) == (tokens, frame_of)  # and back: one spelling per frame
    body = tokens[1:-1]
    assert len(body) == len(frames) + 2 * int(frames.sum())
    assert all(token_kind(t) in ("frame", "octave", "pitch") for t in body)
    for start in [i for i, t in enumerate(body) if t == events.FRAME]:  # pitches ascend inside a frame
        pitches, i = [], start + 1
        while i < len(body) and body[i] != events.FRAME:
            pitches.append(12 * (body[i] - events.OCTAVE0) + body[i + 1] - events.PITCH0)
            i += 2
        assert pitches == sorted(set(pitches))


def test_frames_decode_to_a_song_and_reject_bad_shapes():
    codec = EventCodec()
    codec.fit_frames([np.zeros((3, 88), dtype=np.uint8)])
    frames = np.zeros((4, 88), dtype=np.uint8)
    frames[:2, 39] = 1  # C4 held over two frames
    frames[3, [27, 43]] = 1
    song = codec.decode(codec.encode_frames(frames)[0])
    assert [(n.start, n.pitch, n.duration) for n in song.notes] == [(0, 60, 960), (1440, 48, 480), (1440, 64, 480)]
    with pytest.raises(CodecError, match="88"):
        codec.encode_frames(np.zeros((3, 87)))
    with pytest.raises(CodecError, match="binary"):
        codec.encode_frames(np.full((3, 88), 2))


def test_per_frame_nll_is_the_sum_of_the_frame_tokens_nlls():
    from companion.likelihood import frame_nll
    from companion.models.gpt import GPT, GPTConfig

    torch.manual_seed(0)
    model = GPT(GPTConfig(vocab_size=len(VOCAB), max_len=64, d_model=32, num_heads=2, num_layers=2, d_ff=64)).eval()
    codec = EventCodec()
    rng = np.random.default_rng(0)
    frames = (rng.random((6, 88)) < 0.04).astype(np.uint8)
    frames[2] = 0  # an empty frame costs its closing token only
    tokens, frame_of = codec.encode_frames(frames)
    assert len(tokens) <= 64
    with torch.no_grad():
        logp = torch.log_softmax(model(torch.tensor([tokens])).double(), -1)[0]
    token_nll = -logp[:-1].gather(1, torch.tensor(tokens[1:])[:, None]).squeeze(1).numpy()
    # independently: frame t = the tokens from its Frame marker's successor to the next Frame/EOS
    marks = [i for i, t in enumerate(tokens) if t in (events.FRAME, events.EOS)]
    by_hand = np.array([token_nll[marks[t] : marks[t + 1]].sum() for t in range(len(frames))])
    by_hand[0] += token_nll[0]  # the first Frame marker, right after BOS
    per_frame = np.bincount(frame_of, weights=token_nll, minlength=len(frames))
    np.testing.assert_allclose(per_frame, by_hand, rtol=1e-12)
    # the chain rule: the frames' NLLs add up to -log p(whole token sequence)
    assert per_frame.sum() == pytest.approx(token_nll.sum(), rel=1e-12)
    # and the package's likelihood code agrees, with windows no longer than the context
    result = frame_nll(model, codec, [frames])
    assert result["nll_nats_per_frame"] == pytest.approx(per_frame.mean(), rel=1e-9)
    assert result["unseen_frame_share"] == 0.0


# ----------------------------------------------------------------------------- pipeline
def test_gpt_events_trains_and_generates_deterministically(tmp_path, one_thread):
    from companion.midi import midi_bytes
    from companion.pipelines import gpt

    corpus = load_corpus("jazz", num_bars=96)
    tiny = {
        "gpt": {"max_len": 64, "d_model": 32, "num_heads": 2, "num_layers": 1, "d_ff": 64},
        "lm": {"batch_size": 4, "context": 64, "eval_every": 0, "track_train": False},
    }
    ckpt = gpt.train("gpt-events", corpus, steps=3, seed=0, out=tmp_path / "e.pt", config=tiny, show_progress=False)
    assert ckpt["codec"]["codec"] == "events" and ckpt["model"] == "gpt-events"
    first = gpt.generate(ckpt, bars=2, seed=3)
    second = gpt.generate(ckpt, bars=2, seed=3)
    assert first.num_bars <= 2 and midi_bytes(first) == midi_bytes(second)
    assert midi_bytes(gpt.generate(ckpt, bars=2, seed=4)) != midi_bytes(first)


# ----------------------------------------------------------------------------- scientific pitch notation
def test_octave_tokens_use_scientific_pitch_notation():
    codec = EventCodec(pitch="absolute", chords=False)
    middle_c = events.OCTAVE0 + 60 // 12
    assert codec.describe([middle_c]) == ["Octave_4"]  # C4 = MIDI 60, as pitch_name spells it
    octaves = [name for name in VOCAB if name.startswith("Octave_")]
    assert octaves == [f"Octave_{o}" for o in range(-1, 10)]  # MIDI 0 is C-1, MIDI 127 is G9
