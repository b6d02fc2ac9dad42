"""The pitch-set codec of lesson 04: vocabulary from train only, the frame contract, round trips, the
fall-back distribution, and the registry that picks codecs by model name."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from companion import CodecError, Note, Song, Track, load_corpus
from companion.codecs import tokens
from companion.codecs.chords import BOS, EOS, NUM_SPECIALS, PAD, UNK, ChordCodec, frame_sets, vocabulary_growth


def frames_of(*rows: tuple[int, ...], width: int = 88) -> np.ndarray:
    """Binary frames from tuples of MIDI pitches (JSB window: column 0 = MIDI 21)."""
    out = np.zeros((len(rows), width), dtype=np.uint8)
    for t, pitches in enumerate(rows):
        out[t, [p - 21 for p in pitches]] = 1
    return out


C, E, G = 60, 64, 67


@pytest.fixture
def codec() -> ChordCodec:
    codec = ChordCodec()
    codec.fit_frames([frames_of((C, E, G), (C, E, G), (), (G,)), frames_of((G,), (C,))])
    return codec


def test_vocabulary_is_ordered_by_count_and_specials_first(codec):
    assert codec.vocab_size == NUM_SPECIALS + 4
    assert codec.vocab[:2] == [(C, E, G), (G,)] or codec.vocab[:2] == [(G,), (C, E, G)]
    assert {codec.pad_id, codec.bos_id, codec.eos_id, codec.unk_id} == {PAD, BOS, EOS, UNK} == {0, 1, 2, 3}
    assert codec.token_name(BOS) == "<bos>" and codec.token_name(codec.index[()]) == "rest"
    assert codec.token_name(codec.index[(C, E, G)]) == "C4.E4.G4"
    assert codec.vocab_counts == [2, 2, 1, 1]
    assert sorted(codec.rare_ids()) == sorted([codec.index[()], codec.index[(C,)]])  # the sets seen once


def test_encode_frames_contract(codec):
    frames = frames_of((C, E, G), (C, E), (G,))  # (C, E) was never seen: UNK
    tokens_, frame_of = codec.encode_frames(frames)
    assert tokens_ == [BOS, codec.index[(C, E, G)], UNK, codec.index[(G,)], EOS]
    assert frame_of == [0, 1, 2, 2]  # EOS closes (belongs to) the last frame
    assert codec.unseen_mask(frames).tolist() == [False, True, False]
    extra = codec.extra_frame_nll(frames)
    assert extra[0] == 0 and extra[2] == 0 and extra[1] > 0


def test_fallback_is_a_proper_distribution_over_unseen_sets():
    """On a 4-key window every set can be enumerated: the renormalised fall-back sums to 1 over the
    sets outside the vocabulary, so p(UNK) * fallback + p(named sets) is a distribution over frames."""
    codec = ChordCodec(1, 60, 4)
    train = np.array([[1, 0, 1, 0], [1, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 0]], dtype=np.uint8)
    codec.fit_frames([train], _keep_grid=True)
    every = np.array(list(itertools.product([0, 1], repeat=4)), dtype=np.uint8)
    unseen = codec.unseen_mask(every)
    assert unseen.sum() == 16 - 3
    assert np.exp(-codec.fallback_nll(every[unseen])).sum() == pytest.approx(1.0, abs=1e-12)
    # the per-key probabilities are the smoothed counts
    assert codec.fallback_probabilities().tolist() == pytest.approx([3 / 6, 2 / 6, 3 / 6, 1 / 6])


def test_decode_roundtrip_frames_and_specials(codec):
    frames = frames_of((C, E, G), (), (G,), (C,))
    tokens_, _ = codec.encode_frames(frames)
    assert np.array_equal(codec.decode_frames(tokens_), frames)
    # PAD/BOS skipped, decoding stops at EOS, UNK is a rest
    assert np.array_equal(codec.decode_frames([PAD, BOS, UNK, codec.index[(G,)], EOS, codec.index[(C,)]]),
                          frames_of((), (G,)))  # fmt: skip
    song = codec.decode(tokens_)
    assert len(song.tracks) == 1
    assert sorted((n.start, n.pitch, n.duration) for n in song.tracks[0].notes) == [
        (0, C, 480), (0, E, 480), (0, G, 480), (960, G, 480), (1440, C, 480)
    ]  # fmt: skip
    with pytest.raises(CodecError, match="outside the vocabulary"):
        codec.decode([BOS, codec.vocab_size])


def test_bad_input_raises_codec_error(codec):
    with pytest.raises(CodecError, match="no vocabulary"):
        ChordCodec().encode_frames(frames_of((C,)))
    with pytest.raises(CodecError, match="shape"):
        codec.encode_frames(np.zeros((3, 12)))
    with pytest.raises(CodecError, match="binary"):
        codec.encode_frames(np.full((2, 88), 2))
    with pytest.raises(CodecError, match="no frames"):
        ChordCodec().fit_frames([])


def test_songs_merge_tracks_drop_drums_and_roundtrip(small_song):
    codec = ChordCodec(steps_per_beat=4)
    codec.fit([small_song])
    frames = codec.song_frames(small_song)
    assert frames.shape[1] == 128 and frames[:, 36].sum() == 12  # the bass's C2: 3 beats of 16ths
    assert frames[:, 38].sum() == frames[:, 42].sum() == 0  # the drums' snare and hi-hat are left out
    tokens_ = codec.encode(small_song)
    assert tokens_[0] == BOS and tokens_[-1] == EOS and UNK not in tokens_
    assert len(tokens_) == len(frames) + 2
    back = codec.decode(tokens_)
    assert len(back.tracks) == 1 and not back.tracks[0].is_drum
    assert np.array_equal(codec.song_frames(back), frames)  # exact at the grid, as frames
    assert back.time_signatures[0].numerator == 3  # fitted from the training songs


def test_song_outside_window_is_rejected():
    codec = ChordCodec(4, 21, 88)
    song = Song(tracks=[Track("x", 0, False, [Note(0, 10, 480)])], title="low")
    with pytest.raises(CodecError, match="low: pitch 10"):
        codec.song_frames(song)


def test_persistence_roundtrip(codec):
    data = codec.to_dict()
    assert data["codec"] == "chords" and "model" not in data  # a codec knows nothing of models
    again = tokens.codec_from_dict(data)
    legacy = {**{k: v for k, v in data.items() if k != "codec"}, "model": "gpt-chords"}  # made before the registry
    assert tokens.codec_from_dict(legacy).to_dict() == data
    frames = frames_of((C, E, G), (C, E), ())
    assert again.encode_frames(frames) == codec.encode_frames(frames)
    assert np.array_equal(again.extra_frame_nll(frames), codec.extra_frame_nll(frames))
    with pytest.raises(CodecError, match="not a chord codec"):
        ChordCodec.from_dict({"model": "gpt-chords"})


def test_registry():
    assert isinstance(tokens.codec_for("chords", steps_per_beat=2), ChordCodec)
    assert tokens.codec_for("chords", steps_per_beat=2).steps_per_beat == 2
    assert isinstance(tokens.codec_for("chords"), tokens.TokenCodec)
    with pytest.raises(CodecError, match="no token codec"):
        tokens.codec_for("phrase-roll")
    with pytest.raises(CodecError, match="names no codec"):
        tokens.codec_from_dict({})


def test_jsb_standard_split_unseen_share(jsb_path):
    """The standard split's facts: 2,420 distinct sets in train; 10.0 % of the 4,725 test frames unseen."""
    corpus = load_corpus("jsb", path=jsb_path)
    codec = ChordCodec()
    codec.fit_frames(corpus.frames["train"])
    assert codec.vocab_size == 2420 + NUM_SPECIALS
    unseen = np.concatenate([codec.unseen_mask(f) for f in corpus.frames["test"]])
    assert len(unseen) == 4725 and round(unseen.mean(), 3) == 0.100


def test_vocabulary_growth_and_velocity_variant(small_song):
    plain = frame_sets(small_song, 4)
    with_velocity = frame_sets(small_song, 4, velocity=True)
    assert len(plain) == len(with_velocity)
    assert len(set(with_velocity)) >= len(set(plain))
    growth = vocabulary_growth([plain, plain[:4]], [plain], fractions=(0.5, 1.0))
    assert growth["vocab"][-1] == len(set(plain)) and growth["frames"][-1] == len(plain) + 4
    assert growth["valid_unseen_share"][-1] == 0.0
    assert growth["valid_unseen_share"][0] >= growth["valid_unseen_share"][-1]
