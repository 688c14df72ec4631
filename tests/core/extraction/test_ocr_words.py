"""Tesseract's word boxes turned into layout words (``ocrwords``): constructed TSV output, no OCR
run. Pixel sizes are those of a 300 dpi render of small print (cap height 20 px)."""

from __future__ import annotations

from billabex_core.extraction.layout import build_layout
from billabex_core.extraction.ocrwords import page_words

K = 72 / 300  # points per pixel at 300 dpi


def _tsv(lines: list[list[tuple[int, int, int, int, str]]]) -> dict[str, list]:
    """Tesseract's ``image_to_data`` columns: one line per list of (left, top, width, height,
    text) words, each line a block of its own."""
    data: dict[str, list] = {
        key: [] for key in ("level", "block_num", "par_num", "line_num", "left", "top", "width", "height")
    }
    data["conf"], data["text"] = [], []
    for block, words in enumerate(lines, start=1):
        for left, top, width, height, text in words:
            for key, value in zip(
                (
                    "level",
                    "block_num",
                    "par_num",
                    "line_num",
                    "left",
                    "top",
                    "width",
                    "height",
                    "conf",
                    "text",
                ),
                (5, block, 1, 1, left, top, width, height, 90, text),
                strict=True,
            ):
                data[key].append(value)
    return data


def _segments(lines: list[list[tuple[int, int, int, int, str]]]) -> list[list[str]]:
    layout = build_layout(page_words(_tsv(lines), 1, K), 1, {1: 842.0})
    return [[seg.text for seg in line] for line in layout.lines]


def test_a_word_space_of_small_print_does_not_split_a_label() -> None:
    # "Data" has no ascender above its capital; the space after it is as wide as a capital is tall
    line = [
        (164, 393, 77, 20, "Data"),
        (262, 391, 232, 29, "wystawienia:"),
        (819, 393, 194, 20, "2021-07-30"),
    ]
    assert _segments([line]) == [["Data wystawienia:", "2021-07-30"]]


def test_an_amount_split_at_its_thousands_space_stays_one_segment() -> None:
    line = [
        (1421, 1226, 33, 20, "22"),
        (1481, 1226, 114, 25, "222,00"),
        (1857, 1226, 33, 20, "22"),
        (1917, 1226, 114, 25, "222,00"),
    ]
    assert _segments([line]) == [["22 222,00", "22 222,00"]]


def test_a_table_rule_read_into_a_word_does_not_stretch_the_line() -> None:
    # the rule glued to "razem" makes it 76 px tall: the line is still as tall as its print
    line = [
        (229, 1531, 108, 76, "razem"),
        (506, 1559, 33, 20, "22"),
        (566, 1559, 113, 25, "222,00"),
        (1051, 1559, 33, 20, "27"),
        (1110, 1559, 114, 25, "333,06"),
    ]
    assert _segments([line]) == [["razem", "22 222,00", "27 333,06"]]


def test_word_boxes_of_a_line_share_its_height() -> None:
    words = page_words(_tsv([[(164, 393, 77, 20, "Data"), (262, 391, 232, 29, "wystawienia:")]]), 1, K)
    assert words[0].top == words[1].top and words[0].bottom == words[1].bottom
    assert words[0].top < 391 * K and words[0].bottom > 420 * K
    assert (words[0].x0, words[0].x1) == (164 * K, 241 * K)


def test_a_raised_dot_between_words_reads_as_a_bullet() -> None:
    # "Acme Ltd. • 42 Milky Way • Faraway": tesseract reads the small raised dots as "e" and "+"
    line = [
        (241, 533, 79, 22, "Acme"),
        (334, 532, 50, 23, "Ltd."),
        (401, 539, 10, 11, "e"),
        (425, 532, 34, 22, "42"),
        (474, 532, 72, 28, "Milky"),
        (558, 533, 61, 27, "Way"),
        (633, 539, 11, 11, "+"),
        (831, 533, 119, 27, "Faraway"),
    ]
    assert [w.text for w in page_words(_tsv([line]), 1, K)] == [
        "Acme", "Ltd.", "•", "42", "Milky", "Way", "•", "Faraway"
    ]  # fmt: skip


def test_letters_and_dashes_on_the_baseline_stay_as_read() -> None:
    # Italian "e" (and) sits on the baseline; a dash is flat: neither is a bullet
    line = [
        (100, 532, 60, 22, "Rossi"),
        (170, 539, 14, 16, "e"),
        (195, 532, 60, 22, "Bianchi"),
        (265, 543, 12, 3, "-"),
        (290, 532, 40, 22, "12,00"),
    ]
    assert [w.text for w in page_words(_tsv([line]), 1, K)] == ["Rossi", "e", "Bianchi", "-", "12,00"]


def test_a_box_edge_read_into_a_word_is_dropped() -> None:
    # the left edge of a framed block read as "[" or "|" glued to the first word
    line = [(100, 532, 130, 30, "[Sharp"), (240, 532, 150, 28, "Consulting|"), (400, 532, 90, 28, "[A1]")]
    assert [w.text for w in page_words(_tsv([line]), 1, K)] == ["Sharp", "Consulting", "[A1]"]


def test_letters_read_for_digits_in_a_number_or_date_are_digits() -> None:
    tokens = ["2O24-03-15", "l5.03.2026", "1O4,5O", "3l/12/2025", "INVO8664", "Total", "I/O", "IO", "10"]
    line = [(100 + 200 * i, 500, 150, 22, text) for i, text in enumerate(tokens)]
    assert [w.text for w in page_words(_tsv([line]), 1, K)] == [
        "2024-03-15", "15.03.2026", "104,50", "31/12/2025", "INVO8664", "Total", "I/O", "IO", "10"
    ]  # fmt: skip
