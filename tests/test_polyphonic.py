"""The four classic polyphonic benchmarks ship inside the package: offline, sha256-checked, each with
its own name, split, track and published table, and one recipe per model for all four."""

import shutil

import numpy as np
import pytest

from companion import polyphonic
from companion.codecs.events import EventCodec
from companion.data import BENCHMARK_CORPORA, load_corpus
from companion.errors import DataError
from companion.models.gpt import GPT, GPTConfig
from companion.pipelines import gpt as pipeline

# pieces and frames per split, as the benchmark files' README states them
STANDARD = {
    "jsb": ((229, 76, 77), (13807, 4602, 4725)),
    "nottingham": ((694, 173, 170), (176561, 45513, 44463)),
    "musedata": ((524, 135, 124), (245202, 82755, 64339)),
    "pianomidi": ((87, 12, 25), (75911, 8540, 19036)),
}


@pytest.mark.parametrize("name", BENCHMARK_CORPORA)
def test_every_benchmark_loads_offline_with_its_standard_split(name):
    corpus = load_corpus(name)  # no path, no network: the file inside the package
    pieces, frames = STANDARD[name]
    assert tuple(len(corpus.splits[s]) for s in ("train", "valid", "test")) == pieces
    assert tuple(sum(len(f) for f in corpus.frames[s]) for s in ("train", "valid", "test")) == frames
    assert corpus.name == name and "shipped" in corpus.source
    assert corpus.test[0].tracks[0].name == polyphonic.BENCHMARKS[name].track[0]


def test_each_benchmark_has_its_own_published_table_with_kinds_labelled():
    jsb = {row["model"]: row for row in load_corpus("jsb").published}
    assert jsb["TCN (Bai et al. 2018)"]["nll"] == 8.10 and jsb["TCN (Bai et al. 2018)"]["kind"] == "exact"
    assert jsb["STORN (Bayer & Osendorfer 2014)"] == {**jsb["STORN (Bayer & Osendorfer 2014)"], "kind": "bound"}
    nottingham = {row["model"]: row["nll"] for row in load_corpus("nottingham").published}
    assert nottingham["TCN (Bai et al. 2018)"] == 3.07 and nottingham["STORN (Bayer & Osendorfer 2014)"] == 2.85
    for name in BENCHMARK_CORPORA:
        kinds = [row["kind"] for row in polyphonic.BENCHMARKS[name].published_table()]
        assert kinds == sorted(kinds, key=["exact", "bound", "estimate", "approximate"].index)  # exact first
        assert "exact" in kinds and set(kinds) <= {"exact", "bound", "estimate", "approximate"}


def test_another_file_of_the_format_is_labelled_as_such(tmp_path):
    copy = tmp_path / "JSB_Chorales.mat"
    shutil.copy(polyphonic.shipped_file("jsb"), copy)
    same = load_corpus("jsb", path=copy)  # byte-identical: still the benchmark
    assert same.published and same.track == ("Chorale", 52)

    other = load_corpus("jsb", path=polyphonic.shipped_file("nottingham"))  # a file of the format, not JSB
    assert other.published == [] and "not the benchmark itself" in other.source
    assert other.test[0].tracks[0].name == "Nottingham"


def test_a_changed_shipped_file_fails_its_checksum(tmp_path, monkeypatch):
    changed = tmp_path / "JSB_Chorales.mat"
    changed.write_bytes(polyphonic.shipped_file("jsb").read_bytes()[:-1] + b"\0")
    monkeypatch.setattr(polyphonic, "HERE", tmp_path)
    polyphonic._checked_sha256.cache_clear()
    with pytest.raises(DataError, match="fails its sha256 check"):
        load_corpus("jsb")
    polyphonic._checked_sha256.cache_clear()


@pytest.mark.parametrize("name", BENCHMARK_CORPORA)
def test_event_tokens_are_a_bijection_with_every_frame_of_every_piece(name):
    codec = EventCodec()
    frames = polyphonic.read_frames(polyphonic.shipped_file(name))
    codec.fit_frames(frames["train"])
    for split, pieces in frames.items():
        for piece in pieces:
            tokens, frame_of = codec.encode_frames(piece)
            assert len(frame_of) == len(tokens) - 1
            assert np.array_equal(codec.decode_frames(tokens), piece), f"{name} {split}"


def test_one_recipe_per_model_for_all_four_benchmarks():
    for model in ("gpt-events", "gpt-chords"):
        recipes = [pipeline.default_config(model, name) for name in BENCHMARK_CORPORA]
        assert all(r == recipes[0] for r in recipes)
        assert recipes[0]["recipe"]["file"] == f"companion/recipes/{model}-polyphonic.json"
        assert recipes[0]["max_cpu_seconds"] <= 1800
    assert pipeline.default_config("gpt-events", "jsb", recipe=None) != pipeline.default_config("gpt-events", "jsb")


def test_the_two_recipes_differ_only_in_the_codec_and_have_equal_parameter_counts():
    events, chords = (pipeline.default_config(m, "jsb") for m in ("gpt-events", "gpt-chords"))
    same = ("steps", "max_cpu_seconds", "augment_transpose", "gpt", "lm")
    assert {k: events[k] for k in same} == {k: chords[k] for k in same}
    chord_vocab = 4 + chords["codec"]["max_sets"]  # PAD BOS EOS UNK + the kept pitch sets
    vocabularies = (EventCodec.vocab_size, chord_vocab)
    events_net, chords_net = (GPT(GPTConfig(vocab_size=v, **events["gpt"])) for v in vocabularies)
    assert events_net.num_parameters() == chords_net.num_parameters()


def test_the_benchmark_table_comes_from_shipped_checkpoints_of_one_recipe():
    from companion.leaderboard import benchmark_table

    rows = {(row["benchmark"], row["model"]): row for row in benchmark_table()}
    assert set(rows) == {(b, m) for b in BENCHMARK_CORPORA for m in ("gpt-events", "gpt-chords")}
    for model in ("gpt-events", "gpt-chords"):
        mine = [rows[(b, model)] for b in BENCHMARK_CORPORA]
        assert {row["recipe"] for row in mine} == {f"companion/recipes/{model}-polyphonic.json"}
        assert len({row["recipe_sha256"] for row in mine}) == 1  # the same file trained all four
        assert all(0 < row["cpu_minutes"] <= 30 for row in mine)
        assert len({row["parameters"] for row in mine}) == 1
    assert all(rows[(b, "gpt-events")]["unseen_frame_share"] == 0 for b in BENCHMARK_CORPORA)  # exact bijection
