"""Rules of tables erased from the page image before OCR (constructed images)."""

from __future__ import annotations

from PIL import Image, ImageDraw

from billabex_core.extraction.ocrimage import erase_rules, prepare_page

DPI = 300


def _page() -> Image.Image:
    image = Image.new("L", (1200, 600), 255)
    draw = ImageDraw.Draw(image)
    draw.rectangle((100, 100, 1100, 400), outline=0, width=3)  # a framed table
    draw.line((100, 250, 1100, 250), fill=0, width=2)  # a row rule
    draw.line((600, 100, 600, 400), fill=0, width=2)  # a column rule
    for x in range(150, 550, 40):  # "text": strokes a letter high, a stroke wide
        draw.rectangle((x, 170, x + 5, 200), fill=0)
        draw.rectangle((x, 195, x + 25, 200), fill=0)
    return image


def test_rules_are_erased_and_letters_kept() -> None:
    out = erase_rules(_page(), DPI)
    px = out.load()
    for x, y in ((100, 300), (1100, 300), (300, 100), (300, 400), (300, 250), (600, 320), (601, 150)):
        assert px[x, y] > 200, (x, y)
    for x, y in ((152, 185), (160, 198), (550 - 40 + 2, 185)):
        assert px[x, y] < 50, (x, y)


def test_a_rule_shorter_than_a_third_of_an_inch_stays() -> None:
    image = Image.new("L", (400, 200), 255)
    ImageDraw.Draw(image).line((100, 100, 180, 100), fill=0, width=2)  # 80 px at 300 dpi
    assert erase_rules(image, DPI).load()[140, 100] < 50


def test_a_dark_band_with_white_text_stays() -> None:
    # a header or total band printed in white on black: erasing it would erase its text too
    image = Image.new("L", (1200, 400), 255)
    draw = ImageDraw.Draw(image)
    draw.rectangle((100, 100, 1100, 160), fill=0)
    draw.rectangle((200, 115, 260, 145), fill=255)  # a white "letter"
    out = erase_rules(image, DPI).load()
    assert out[150, 130] < 50 and out[600, 101] < 50 and out[230, 130] > 200


def test_a_dark_disc_with_white_letters_stays() -> None:
    # a logo: long runs of ink, but ink above and below them too
    image = Image.new("L", (600, 600), 255)
    draw = ImageDraw.Draw(image)
    draw.ellipse((100, 100, 400, 400), fill=0)
    draw.rectangle((150, 245, 350, 255), fill=255)  # white letters across the disc
    draw.rectangle((245, 150, 255, 350), fill=255)
    out = erase_rules(image, DPI).load()
    assert out[200, 240] < 50 and out[200, 262] < 50 and out[240, 200] < 50


def test_a_light_tint_behind_text_becomes_white() -> None:
    # a grey-shaded cell without its frame: tesseract's global threshold may take the tint for ink
    image = Image.new("L", (600, 300), 255)
    draw = ImageDraw.Draw(image)
    draw.rectangle((50, 50, 550, 250), fill=232)
    draw.rectangle((100, 120, 110, 160), fill=30)  # a letter stroke
    out = prepare_page(image, DPI).load()
    assert out[300, 200] == 255 and out[105, 140] == 30
