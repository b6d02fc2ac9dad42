"""The install files agree with each other: ``pyproject.toml`` declares compatible ranges,
``requirements.txt`` the exact versions CI tested, ``environment.yml`` (conda) and
``binder/requirements.txt`` (mybinder.org) repeat those pins, and torch always comes as the CPU build.

Each check collects every problem it finds and fails listing them all, so one run names every pin
to fix. The last tests feed the checkers broken files, to show that they do fail.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    try:
        import tomli as tomllib
    except ModuleNotFoundError:
        tomllib = None

ROOT = Path(__file__).resolve().parents[1]
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"


# ----------------------------------------------------------------- parsing
class PinFile:
    """The requirement lines and option lines (``--extra-index-url ...``, ``-e .``) of a pip
    requirements list, and the problems met reading it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.requirements: list[Requirement] = []
        self.options: list[str] = []
        self.problems: list[str] = []

    def add(self, line: str) -> None:
        if line.startswith("-"):
            self.options.append(line)
            return
        try:
            self.requirements.append(Requirement(line))
        except InvalidRequirement as exc:
            self.problems.append(f"{self.name}: cannot parse {line!r} ({exc})")

    def pins(self) -> dict[str, Version]:
        """Canonical name -> pinned version (local label kept: ``2.13.0+cpu``); a line that is not
        an exact ``name==version`` pin, or a package pinned twice, is a problem."""
        pins: dict[str, Version] = {}
        for req in self.requirements:
            name = canonicalize_name(req.name)
            specs = list(req.specifier)
            if len(specs) != 1 or specs[0].operator != "==" or "*" in specs[0].version:
                self.problems.append(f"{self.name}: {req} is not an exact pin (name==version)")
                continue
            try:
                version = Version(specs[0].version)
            except InvalidVersion:
                self.problems.append(f"{self.name}: {req} pins an invalid version")
                continue
            if name in pins:
                self.problems.append(f"{self.name}: {req.name} is pinned twice")
            pins[name] = version
        return pins


def strip_comment(line: str) -> str:
    """pip's rule: ``#`` at the start of a line or after whitespace starts a comment."""
    return re.sub(r"(^|\s)#.*$", "", line).strip()


def parse_requirements(text: str, name: str = "requirements.txt") -> PinFile:
    pins = PinFile(name)
    for raw in text.splitlines():
        line = strip_comment(raw)
        if line:
            pins.add(line)
    return pins


def parse_environment(text: str, name: str = "environment.yml") -> tuple[PinFile, list[str]]:
    """The ``pip:`` list of a conda environment file (a PinFile) and the conda dependencies, read
    by hand: the file is simple, and PyYAML is not a dependency of the package."""
    pins = PinFile(name)
    conda: list[str] = []
    pip_indent: int | None = None
    in_dependencies = False
    for raw in text.splitlines():
        line = strip_comment(raw)
        if not line:
            continue
        indent = len(raw) - len(raw.lstrip())
        if pip_indent is not None and indent <= pip_indent:
            pip_indent = None  # the pip list ended
        if indent == 0:
            in_dependencies = line == "dependencies:"
            continue
        item = re.fullmatch(r"-\s+(.*)", line)
        if pip_indent is not None:
            if item is None:
                pins.problems.append(f"{name}: unexpected line in the pip list: {raw.strip()!r}")
            else:
                pins.add(item.group(1).strip())
        elif in_dependencies and item is not None:
            if item.group(1).strip() == "pip:":
                pip_indent = indent
            else:
                conda.append(item.group(1).strip())
    if not pins.requirements:
        pins.problems.append(f"{name}: no pip list found under dependencies")
    return pins, conda


def declared_ranges(pyproject: dict) -> dict[str, list[tuple[str, SpecifierSet]]]:
    """Canonical name -> [(where, range)] over [project].dependencies and every optional extra."""
    project = pyproject["project"]
    groups = {"dependencies": project.get("dependencies", [])}
    for extra, deps in project.get("optional-dependencies", {}).items():
        groups[f"optional extra [{extra}]"] = deps
    ranges: dict[str, list[tuple[str, SpecifierSet]]] = {}
    for where, deps in groups.items():
        for dep in deps:
            req = Requirement(dep)
            ranges.setdefault(canonicalize_name(req.name), []).append((where, req.specifier))
    return ranges


def public(version: Version) -> Version:
    """The version without its local label (``2.13.0+cpu`` -> ``2.13.0``)."""
    return Version(version.public)


# ----------------------------------------------------------------- checks
def pins_outside_ranges(pins: dict[str, Version], ranges: dict, source: str) -> list[str]:
    """Each pin must be declared by pyproject and lie inside every range declared for it."""
    problems = []
    for name, version in sorted(pins.items()):
        if name not in ranges:
            problems.append(f"{source}: {name}=={version} is not declared in pyproject.toml")
            continue
        for where, spec in ranges[name]:
            if not spec.contains(public(version), prereleases=True):
                problems.append(f"{source}: {name}=={version} is outside {name}{spec} ({where} of pyproject.toml)")
    return problems


def pins_differing(
    pins: dict[str, Version], reference: dict[str, Version], source: str, ranges: dict | None = None
) -> list[str]:
    """Each pin must equal requirements.txt's (public versions); with ``ranges``, a package that
    requirements.txt does not pin may instead belong to an optional extra, inside its range."""
    problems = []
    for name, version in sorted(pins.items()):
        if name in reference:
            if public(version) != public(reference[name]):
                problems.append(f"{source}: {name}=={version}, but requirements.txt pins {name}=={reference[name]}")
            continue
        extras = [(w, s) for w, s in (ranges or {}).get(name, []) if w.startswith("optional extra")]
        if not extras:
            allowed = " nor in an optional extra of pyproject.toml" if ranges is not None else ""
            problems.append(f"{source}: {name}=={version} is not pinned in requirements.txt{allowed}")
        for where, spec in extras:
            if not spec.contains(public(version), prereleases=True):
                problems.append(f"{source}: {name}=={version} is outside {name}{spec} ({where} of pyproject.toml)")
    return problems


def index_problems(pin_file: PinFile) -> list[str]:
    urls = [
        option.split(None, 1)[1].strip().rstrip("/")
        for option in pin_file.options
        if option.split(None, 1)[0] in ("--extra-index-url", "--index-url", "-i") and len(option.split(None, 1)) == 2
    ]
    if TORCH_CPU_INDEX not in urls:
        return [f"{pin_file.name}: no --extra-index-url {TORCH_CPU_INDEX} (index URLs: {urls or 'none'})"]
    return []


def no_problems(problems: list[str]) -> None:
    """Fail listing every problem, one per line (pytest would shorten a list comparison)."""
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)


# ----------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def pyproject() -> dict:
    if tomllib is None:
        pytest.skip("reading pyproject.toml needs tomllib (Python 3.11+) or tomli (pip install tomli)")
    with open(ROOT / "pyproject.toml", "rb") as handle:
        return tomllib.load(handle)


@pytest.fixture(scope="module")
def ranges(pyproject) -> dict:
    return declared_ranges(pyproject)


@pytest.fixture(scope="module")
def requirements() -> PinFile:
    return parse_requirements((ROOT / "requirements.txt").read_text(), "requirements.txt")


@pytest.fixture(scope="module")
def binder() -> PinFile:
    return parse_requirements((ROOT / "binder" / "requirements.txt").read_text(), "binder/requirements.txt")


@pytest.fixture(scope="module")
def environment() -> tuple[PinFile, list[str]]:
    return parse_environment((ROOT / "environment.yml").read_text(), "environment.yml")


# ----------------------------------------------------------------- the repository's files
@pytest.mark.parametrize("which", ["requirements", "binder", "environment"])
def test_pin_files_hold_only_exact_pins(which, request):
    pin_file = request.getfixturevalue(which)
    pin_file = pin_file[0] if isinstance(pin_file, tuple) else pin_file
    pins = pin_file.pins()
    assert pins, f"{pin_file.name}: no pins found"
    no_problems(pin_file.problems)


def test_requirements_pins_inside_pyproject_ranges(requirements, ranges):
    no_problems(pins_outside_ranges(requirements.pins(), ranges, "requirements.txt"))


def test_environment_pins_match_requirements(environment, requirements):
    pins = environment[0].pins()
    no_problems(pins_differing(pins, requirements.pins(), "environment.yml"))


def test_environment_pins_everything_requirements_pins(environment, requirements):
    """environment.yml stands in for ``pip install -r requirements.txt -e .`` for conda users."""
    missing = sorted(set(requirements.pins()) - set(environment[0].pins()))
    assert missing == [], f"environment.yml does not pin {missing}"
    assert "-e ." in environment[0].options, "environment.yml does not install the package (-e .)"


def test_binder_pins_match_requirements_or_an_extra(binder, requirements, ranges):
    no_problems(pins_differing(binder.pins(), requirements.pins(), "binder/requirements.txt", ranges))


def test_runtime_dependencies_are_pinned(pyproject, requirements):
    declared = [canonicalize_name(Requirement(d).name) for d in pyproject["project"]["dependencies"]]
    missing = sorted(set(declared) - set(requirements.pins()))
    assert missing == [], f"runtime dependencies not pinned in requirements.txt: {missing}"


@pytest.mark.parametrize("which", ["requirements", "binder", "environment"])
def test_torch_is_pinned_exactly(which, request):
    """A range would let pip pick the default (CUDA, gigabytes) build; a pin can take the CPU one."""
    pin_file = request.getfixturevalue(which)
    pin_file = pin_file[0] if isinstance(pin_file, tuple) else pin_file
    torch = [r for r in pin_file.requirements if canonicalize_name(r.name) == "torch"]
    assert len(torch) == 1, f"{pin_file.name}: torch appears {len(torch)} times"
    specs = list(torch[0].specifier)
    assert len(specs) == 1 and specs[0].operator == "==" and "*" not in specs[0].version, (
        f"{pin_file.name}: torch must be pinned exactly, found {torch[0]}"
    )


def test_binder_takes_torch_from_the_cpu_index(binder):
    no_problems(index_problems(binder))
    torch = binder.pins()["torch"]
    assert torch.local == "cpu", f"binder pins torch=={torch}; the CPU wheel is torch=={torch.public}+cpu"


def test_environment_takes_torch_from_the_cpu_index(environment):
    no_problems(index_problems(environment[0]))


def test_binder_apt_installs_libfluidsynth(ranges):
    packages = [strip_comment(line) for line in (ROOT / "binder" / "apt.txt").read_text().splitlines()]
    assert "libfluidsynth3" in packages, f"binder/apt.txt names {[p for p in packages if p]}"
    assert "pyfluidsynth" in ranges, "pyproject.toml no longer declares pyfluidsynth (the fluidsynth extra)"


def test_requires_python_is_3_10_or_later(pyproject):
    spec = SpecifierSet(pyproject["project"]["requires-python"])
    assert spec.contains("3.10.0"), f"requires-python {spec} excludes 3.10"
    assert not spec.contains("3.9.99"), f"requires-python {spec} admits Python older than 3.10"


def test_environment_python_is_supported(pyproject, environment):
    pythons = [d for d in environment[1] if re.fullmatch(r"python\s*=+\s*[\d.]+", d)]
    assert len(pythons) == 1, f"environment.yml should pin python once, found {pythons}"
    version = re.split(r"=+", pythons[0])[1].strip()
    spec = SpecifierSet(pyproject["project"]["requires-python"])
    assert spec.contains(version), f"environment.yml asks for python {version}; pyproject requires {spec}"


def test_pyproject_declares_ranges_not_pins(pyproject):
    """Exact pins belong in requirements.txt; pyproject's ranges must leave users room."""
    project = pyproject["project"]
    deps = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        deps += extra
    pinned = [d for d in deps if any(s.operator in ("==", "===") for s in Requirement(d).specifier)]
    assert pinned == [], f"pyproject.toml pins exactly: {pinned} (exact pins belong in requirements.txt)"


# ----------------------------------------------------------------- the checkers can fail
PYPROJECT = {
    "project": {
        "dependencies": ["torch>=2.2,<3", "numpy>=1.26,<3"],
        "optional-dependencies": {"fluidsynth": ["pretty_midi>=0.2.10,<0.3"]},
    }
}


def test_checker_catches_a_pin_outside_its_range():
    pins = parse_requirements("torch==2.1.0\nnumpy==2.4.6  # fine\n").pins()
    problems = pins_outside_ranges(pins, declared_ranges(PYPROJECT), "requirements.txt")
    assert len(problems) == 1 and "torch==2.1.0 is outside torch<3,>=2.2" in problems[0]


def test_checker_strips_local_labels_and_canonicalises_names():
    pins = parse_requirements("torch==2.13.0+cpu\nPretty-MIDI==0.2.11.post0\n").pins()
    assert pins_outside_ranges(pins, declared_ranges(PYPROJECT), "x") == []
    assert pins_differing(pins, {"torch": Version("2.13.0")}, "x", declared_ranges(PYPROJECT)) == []


def test_checker_catches_undeclared_and_mismatched_pins():
    pins = parse_requirements("requests==2.32.0\ntorch==2.12.0+cpu\n").pins()
    assert "not declared" in pins_outside_ranges(pins, declared_ranges(PYPROJECT), "x")[0]
    problems = pins_differing(pins, {"torch": Version("2.13.0")}, "binder", declared_ranges(PYPROJECT))
    assert len(problems) == 2
    assert any("requirements.txt pins torch==2.13.0" in p for p in problems)
    assert any("requests==2.32.0 is not pinned" in p for p in problems)


def test_checker_catches_ranges_duplicates_and_a_missing_index():
    pin_file = parse_requirements("torch>=2.2\nnumpy==2.4.6\nnumpy==2.4.5\n", "bad.txt")
    pin_file.pins()
    assert any("torch>=2.2 is not an exact pin" in p for p in pin_file.problems)
    assert any("numpy is pinned twice" in p for p in pin_file.problems)
    assert index_problems(pin_file) != []


def test_environment_parser_reads_the_pip_list_only():
    text = (
        "name: x\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n  - pip\n  - pip:\n"
        "      - --extra-index-url https://download.pytorch.org/whl/cpu\n      - torch==2.13.0  # cpu\n"
        "      - -e .\nvariables:\n  - FOO\n"
    )
    pin_file, conda = parse_environment(text)
    assert pin_file.pins() == {"torch": Version("2.13.0")}
    assert pin_file.options == ["--extra-index-url https://download.pytorch.org/whl/cpu", "-e ."]
    assert conda == ["python=3.11", "pip"]
    assert index_problems(pin_file) == [] and pin_file.problems == []
