"""A recipe variant beside the plain recipe: the table and the sentence lesson 06 prints."""

from companion import returns
from companion.returns_variants import variant_table, variant_verdict


def _point(results, minutes, accuracy, ci, seed=0, nll=1.0, variant=""):
    returns.append_row(results, {"kind": "point", "model": "gpt-events", "corpus": "bach", "seed": seed,
                                 "minutes": minutes, **({"variant": variant} if variant else {}),
                                 "headline": {"accuracy": accuracy, "ci": ci}, "nll": {"nll_nats_per_token": nll},
                                 "frechet": {"value": 50.0}})  # fmt: skip


def test_a_variant_below_the_plain_band_is_a_gain_shown_and_an_overlap_is_not(tmp_path):
    plain, variant = tmp_path / "plain.jsonl", tmp_path / "variant.jsonl"
    for seed, shift in ((0, 0.0), (1, 0.02)):
        _point(plain, 4, 0.90 + shift, [0.84 + shift, 0.96 + shift], seed=seed)
        _point(plain, 8, 0.85, [0.78, 0.92], seed=seed)
    _point(variant, 4, 0.65, [0.55, 0.75], variant="transpose3")
    _point(variant, 8, 0.80, [0.72, 0.88], variant="transpose3")

    header, rows = variant_table(plain, variant)
    assert [row[0] for row in rows] == ["4", "8"]
    assert rows[0][1] == "0.910 [0.84, 0.98]"  # the plain band spans both seeds' intervals

    sentence = variant_verdict(plain, variant)
    assert "at 8 CPU min: variant 0.80 [0.72, 0.88] against plain 0.85 [0.78, 0.92], overlapping" in sentence
    assert "best rungs (4 against 8 CPU min): variant 0.65 [0.55, 0.75] against plain 0.85" in sentence
    assert "below the plain recipe's band: a gain shown" in sentence


def test_a_plain_best_beyond_the_variants_ladder_is_not_ranked(tmp_path):
    plain, variant = tmp_path / "plain.jsonl", tmp_path / "variant.jsonl"
    _point(plain, 8, 0.9, [0.82, 0.98])
    _point(plain, 32, 0.69, [0.6, 0.78])
    _point(variant, 8, 0.98, [0.95, 1.0], variant="transpose3")
    sentence = variant_verdict(plain, variant)
    assert "overlapping" in sentence and "worse" not in sentence
    assert "0.69 [0.60, 0.78] at 32 CPU min, lies above the variant's top rung (8)" in sentence


def test_without_points_the_sentence_says_so(tmp_path):
    plain, variant = tmp_path / "plain.jsonl", tmp_path / "variant.jsonl"
    _point(plain, 4, 0.9, [0.8, 1.0])
    returns.append_row(variant, {"kind": "floor", "corpus": "bach"})
    assert "no variant points" in variant_verdict(plain, variant)
