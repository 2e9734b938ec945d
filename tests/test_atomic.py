import pytest

from app.atomic import atomic_file, write_atomically


def test_a_failed_write_leaves_the_old_file_and_no_litter(tmp_path):
    target = tmp_path / "report.pdf"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with atomic_file(target) as out:
            out.write(b"half of the new")
            raise RuntimeError("power cut")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]


def test_a_whole_write_replaces_the_file(tmp_path):
    target = tmp_path / "sub" / "report.pdf"
    write_atomically(target, b"new")
    assert target.read_bytes() == b"new" and len(list(target.parent.iterdir())) == 1
