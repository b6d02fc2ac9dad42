"""The command line's model verbs: ``train``, ``generate``, ``evaluate`` and ``ship``, each through
:mod:`companion.zoo` (imported when the verb runs, so the other verbs start without torch).

Used by notebooks 02_musegan, 03_image_gan, 04_gpt_chords and 05_event_tokens through the commands they
show (``python -m companion train``, ``evaluate``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .errors import CompanionError


def _train(args) -> int:
    from . import zoo
    from .data import load_corpus
    from .train.interrupt import stop_on_signals

    out = Path(args.out or f"checkpoints/{args.model}-{args.corpus}.pt")
    corpus = load_corpus(args.corpus, path=args.path, seed=args.split_seed)
    if args.cpu_minutes is not None and not args.cpu_minutes > 0:
        raise CompanionError(f"--cpu-minutes {args.cpu_minutes}: give a positive number of minutes")
    cpu = None if args.cpu_minutes is None else 60.0 * args.cpu_minutes
    with stop_on_signals() as stop:
        checkpoint = zoo.train(args.model, corpus, steps=args.steps, seed=args.seed, out=out, resume=args.resume,
                               checkpoint_every=args.checkpoint_every, max_cpu_seconds=cpu,
                               device=args.device)  # fmt: skip
    info = checkpoint["train"]
    used = f", {info['cpu_seconds']:.0f} CPU s" if info.get("cpu_seconds") is not None else ""
    steps, wall = info.get("steps"), info.get("wall_seconds", 0)
    print(f"{args.model} on {args.corpus}: {steps} steps in {wall:.0f} s{used} -> {out}")
    for skipped in info.get("skipped", []):
        print(f"  skipped {skipped}")
    if stop.signal:
        print(f"companion: {stop.signal}: stopped at step {info.get('steps')}, saved {out} "
              "(continue with --resume)", file=sys.stderr)  # fmt: skip
        return 130
    return 0


def _generate(args) -> int:
    from . import zoo
    from .midi import write_midi

    if args.bars < 1 or args.bars > 512:
        raise CompanionError(f"--bars {args.bars}: choose 1..512 bars")
    zoo.check_temperature(args.temperature)
    for out in filter(None, (args.out, args.wav, args.png)):
        if not Path(out).parent.is_dir():
            raise CompanionError(f"{out}: cannot write file (no folder {Path(out).parent})")
    song = zoo.generate(zoo.load(args.checkpoint), bars=args.bars, seed=args.seed, temperature=args.temperature,
                        device=args.device)  # fmt: skip
    write_midi(song, args.out)
    written = [args.out]
    if args.wav:
        from .audio import write_wav

        write_wav(song, args.wav)
        written.append(args.wav)
    if args.png:
        from .plot import save_png

        save_png(song, args.png)
        written.append(args.png)
    print(f"{song.num_bars} bars, {song.num_notes} notes -> {', '.join(written)}")
    return 0


def _evaluate(args) -> int:
    from . import zoo
    from .data import load_corpus

    checkpoint = zoo.load(args.checkpoint)
    trained_on = checkpoint["train"].get("corpus")
    if trained_on and trained_on != args.corpus:
        mismatch = (f"{args.checkpoint}: trained on {trained_on}, evaluated on {args.corpus}: its likelihoods "
                    "and unseen shares measure a corpus it never saw")  # fmt: skip
        if args.strict:
            raise CompanionError(mismatch)
        print(f"companion: warning: {mismatch} (--strict makes this an error)", file=sys.stderr)
    corpus = load_corpus(args.corpus, path=args.path, seed=args.split_seed)
    if args.excerpts < 0:
        raise CompanionError(f"--excerpts {args.excerpts}: must be >= 0")
    result = zoo.evaluate(checkpoint, corpus, split=args.split, seed=args.seed, excerpts=args.excerpts,
                          device=args.device)  # fmt: skip
    if args.json:
        print(json.dumps(result))
        return 0
    published = result.pop("published", None)
    yardstick = result.pop("yardstick", None)
    _print_nested(result)
    if published:
        _print_published(result, published)
    if yardstick:
        _print_yardstick(yardstick)
    return 0


def _interval(value, ci, digits: int = 2) -> str:
    if value is None:
        return "-"
    low, high = ci if ci else (None, None)
    spread = f" [{low:.{digits}f}, {high:.{digits}f}]" if low is not None and high is not None else ""
    return f"{value:.{digits}f}{spread}"


def _print_yardstick(yardstick: dict) -> None:
    """The yardstick's sets side by side (``--json`` has every figure; README "The yardstick"); ``compare``
    prints its models' generated sets, then the floor and baselines, through it."""
    settings = yardstick["settings"]
    print(f"\nyardstick: {settings.get('excerpts')} {settings.get('bars')}-bar excerpts per set against real "
          "training excerpts (classifier accuracy 0.5 = indistinguishable, 95 % intervals)")  # fmt: skip
    width = max(11, *(len(name) + 2 for name in yardstick["sets"]))  # compare's sets are model names
    print(f"  {'set':<{width}}{'feature classifier':<22}{'roll classifier':<22}{'Fréchet (features)':<28}"
          f"{'mean overlap':<20}copy rate")  # fmt: skip
    for name, row in yardstick["sets"].items():
        features, roll = row["classifier"]["features"], row["classifier"].get("roll") or {}
        frechet, overlap = row.get("frechet") or {}, row.get("overlap") or {}
        print(f"  {name:<{width}}{_interval(features['accuracy'], features.get('ci')):<22}"
              f"{_interval(roll.get('accuracy'), roll.get('ci')):<22}"
              f"{_interval(frechet.get('value'), frechet.get('ci'), 1):<28}"
              f"{_interval(overlap.get('mean_oa'), overlap.get('mean_oa_ci')):<20}"
              f"{_interval(row.get('copy_rate'), row.get('copy_rate_ci'))}")  # fmt: skip
    print("  (floor: real test excerpts, the noise floor; random, shuffled, copy: the baselines)")


def _print_published(result: dict, published: list[dict]) -> None:
    """The model's test NLL beside the benchmark's published figures, exact ones apart from bounds."""
    print(f"\n{result['corpus']} {result['split']} NLL, nats per frame, beside the published figures:")
    print(f"  {'this checkpoint (' + result['model'] + ')':<44}{result['nll_nats_per_frame']:>7.2f}  exact")
    for row in published:
        print(f"  {row['model']:<44}{row['nll']:>7.2f}  {row['kind']}")
    print("  (bounds and estimates are not exact likelihoods; compare exact with exact)")


def _ship(args) -> int:
    from . import zoo
    from .data import load_corpus

    path = Path(args.checkpoint)
    checkpoint = zoo.load(path).checkpoint
    if not checkpoint.get("optimizer"):
        raise CompanionError(f"{path}: already shipped (no optimizer state); ship the file that train wrote")
    command = args.command or _train_command(checkpoint, path, args)
    corpus = load_corpus(args.corpus, path=args.path, seed=args.split_seed)
    if args.excerpts < 0:
        raise CompanionError(f"--excerpts {args.excerpts}: must be >= 0")
    manifest = zoo.ship(path, corpus, command=command, excerpts=args.excerpts)
    print(f"{path} shipped ({path.stat().st_size / 1e6:.2f} MB) -> {manifest}")
    return 0


def _train_command(checkpoint: dict, path: Path, args) -> str:
    """The ``train`` command that makes ``checkpoint`` again, from what it recorded."""
    train = checkpoint["train"]
    parts = ["python -m companion train", checkpoint["model"], "--corpus", str(train.get("corpus"))]
    if args.path:
        parts += ["--path", args.path]
    parts += ["--steps", str(train.get("steps")), "--seed", str(train.get("seed", 0))]
    if args.split_seed:
        parts += ["--split-seed", str(args.split_seed)]
    if train.get("device") not in (None, "cpu"):
        parts += ["--device", str(train["device"])]
    return " ".join(parts + ["--out", str(path)])


def _print_nested(value, indent: int = 0) -> None:
    for key, item in value.items():
        if isinstance(item, dict):
            print(" " * indent + f"{key}:")
            _print_nested(item, indent + 2)
        else:
            print(" " * indent + f"{key:<28}{item}")
