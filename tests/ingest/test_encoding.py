import codecs

import pytest

from dramascope.errors import UserInputError
from dramascope.ingest.encoding import (
    canonical_encoding,
    detect_encoding,
    locate_decode_error,
)

TEXT = "标题,播放量\n重生之我是霸总,1.2万\n"


@pytest.mark.parametrize("data,expected", [
    (TEXT.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
    (TEXT.encode("gb18030"), "gb18030"),
    (TEXT.encode("utf-16"), "utf-16"),
])
def test_detects_common_export_encodings(tmp_path, data, expected):
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    assert detect_encoding(path) == expected


def test_gbk_and_gb2312_are_read_as_gb18030():
    assert canonical_encoding("GBK") == canonical_encoding("gb2312") == "gb18030"
    with pytest.raises(UserInputError, match="unknown encoding"):
        canonical_encoding("klingon")


def test_decode_error_is_located_by_line(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(b"a,b\n1,2\n" + b"3,\xff\xfe\n")
    problem = locate_decode_error(path, "utf-8")
    assert problem.line == 3 and problem.byte_offset == 10


def test_undetectable_bytes_name_file_and_line(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(b"a,b\n1,2\n3,\xff\xff\xff\n")
    with pytest.raises(UserInputError, match=r"line 3.*neither valid UTF-8 nor GB18030"):
        detect_encoding(path)


def test_mostly_gb18030_file_with_a_bad_line_names_that_line(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes("标题,播放量\n".encode("gb18030") + "重生,1\n".encode("gb18030") * 3 + b"x,\xff\xff\n")
    with pytest.raises(UserInputError, match=r"line 5.*read as gb18030"):
        detect_encoding(path)


def test_a_utf8_file_given_as_gb18030_is_refused_not_stored_as_mojibake(tmp_path):
    """Read as GB18030, UTF-8 text decodes without an error into mojibake (重生 → 閲嶇敓): refused instead."""
    from dramascope.ingest.encoding import checked_encoding

    path = tmp_path / "f.csv"
    path.write_bytes(TEXT.encode("utf-8"))
    with pytest.raises(UserInputError, match=r"valid UTF-8 .* read as gb18030 it would become"):
        checked_encoding(path, "gbk")
    assert checked_encoding(path, "utf-8") == "utf-8"
    path.write_bytes(TEXT.encode("gb18030"))
    assert checked_encoding(path, "gb18030") == "gb18030"
    path.write_bytes("title_id,name\nt1,A\n".encode("ascii"))  # plain ASCII reads alike in both
    assert checked_encoding(path, "gb18030") == "gb18030"
