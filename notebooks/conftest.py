"""nbval collects the teacher notebooks only: the student versions in ``student/`` have
``raise NotImplementedError()`` where the solutions were (tests/test_student.py keeps them in sync and
tests/test_exercises.py proves their graded cells fail until solved)."""

collect_ignore = ["student"]
