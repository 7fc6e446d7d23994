"""Render the page images in docs/images from the worked example.

The README shows pages of the example's packs. Regenerate them after a
change to what a pack looks like, so the pictures match the packs:

    .venv/bin/python scripts/page_images.py            # build 2020-03, then render
    .venv/bin/python scripts/page_images.py --no-build # render the existing build

Pages are found by what is on them (a bookmark's title or a line of text),
not by number, so an image keeps showing the same thing when pages move.
Images are PNGs at 50-70 dpi (about A4 at screen size), reduced to a
64-colour palette: type stays crisp and each image is a few tens of KB.
Needs pdftoppm (poppler-utils, installed by scripts/setup.sh).
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from pypdf import PdfReader
from pypdf.generic import Destination

REPO = Path(__file__).resolve().parents[1]
IMAGES = REPO / "docs" / "images"
COLOURS = 64


@dataclass(frozen=True)
class Shot:
    """One page image: which pack, how to find the page, at what resolution."""

    name: str
    pack: str
    """Path of the pack under outputs/<period>/ (a glob; it must match one file)."""
    bookmark: str = ""
    """The page a bookmark whose title starts with this lands on..."""
    text: str = ""
    """...or the first page (from that bookmark's on) whose text holds this..."""
    page: int = 1
    """...or else this page (1-based)."""
    dpi: int = 70
    trim: bool = False
    """Cut the image off below the page's last content (for a mostly empty page)."""


SHOTS = (
    Shot("board-cover-01.png", "board-pack-*.pdf", page=1, dpi=50),
    Shot("board-exec-summary-02.png", "board-pack-*.pdf", bookmark="Executive summary"),
    Shot("board-scorecard.png", "board-pack-*.pdf", bookmark="KPI scorecard"),
    Shot("board-kpi-definitions.png", "board-pack-*.pdf", bookmark="Appendix D"),
    Shot(
        "board-icon-key.png",
        "board-pack-*.pdf",
        bookmark="Statistical process control",
        text="Key. RAG",
        dpi=100,
        trim=True,
    ),
    Shot("rag-summary-1.png", "rag-summary-*.pdf", page=1),
    Shot("rec-08-trends.png", "recommendations/rec-08-*.pdf", bookmark="Trends"),
    Shot("rec-09-exception-1.png", "recommendations/rec-09-*.pdf", text="Exception report"),
    Shot("workstream-practice-1.png", "workstreams/practice-and-standards-*.pdf", page=1),
)


def _bookmarks(reader: PdfReader) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []

    def walk(items: list[object]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            elif isinstance(item, Destination):
                page = reader.get_destination_page_number(item)
                if page is not None:
                    found.append((str(item.title or ""), page + 1))

    walk(list(reader.outline))
    return found


def find_page(pdf: Path, shot: Shot) -> int:
    """The 1-based page the shot shows; a clear error when it is not there."""
    reader = PdfReader(pdf)
    start = 1
    if shot.bookmark:
        marks = [page for title, page in _bookmarks(reader) if title.startswith(shot.bookmark)]
        if not marks:
            raise SystemExit(f"{pdf.name}: no bookmark starting {shot.bookmark!r} ({shot.name})")
        if not shot.text:
            return marks[0]
        start = marks[0]
    if shot.text:
        for number in range(start, len(reader.pages) + 1):
            text = reader.pages[number - 1].extract_text() or ""
            if shot.text in " ".join(text.split()):
                return number
        raise SystemExit(f"{pdf.name}: no page from {start} on says {shot.text!r} ({shot.name})")
    if shot.page > len(reader.pages):
        raise SystemExit(f"{pdf.name} has {len(reader.pages)} pages; {shot.name} wants {shot.page}")
    return shot.page


def render(pdf: Path, page: int, dpi: int, trim: bool = False) -> bytes:
    """The page as a palette PNG: pdftoppm draws it, Pillow reduces and compresses it."""
    drawn = subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), str(pdf)],
        check=True,
        capture_output=True,
    ).stdout
    image = Image.open(io.BytesIO(drawn)).convert("RGB")
    if trim:
        image = _trimmed(image, dpi)
    small = image.quantize(
        colors=COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _trimmed(image: Image.Image, dpi: int) -> Image.Image:
    """The page down to its last content above the running footer, plus a small margin."""
    footer = image.height - round(30 * dpi / 25.4)
    ink = (
        image.crop((0, 0, image.width, footer)).convert("L").point(lambda v: 255 if v < 200 else 0)
    )
    box = ink.getbbox()
    bottom = footer if box is None else min(footer, box[3] + round(6 * dpi / 25.4))
    return image.crop((0, 0, image.width, bottom))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--period", default="2020-03", help="month of the example to show")
    parser.add_argument("--no-build", action="store_true", help="use the packs already built")
    parser.add_argument("--into", type=Path, default=IMAGES, help="folder to write the images to")
    args = parser.parse_args(argv)
    if not args.no_build:
        build = [sys.executable, "-m", "reportgen", "build", "--period", args.period, "--quiet"]
        subprocess.run(build, cwd=REPO, check=True)
    outputs = REPO / "outputs" / args.period
    total = 0
    for shot in SHOTS:
        matches = sorted(outputs.glob(shot.pack))
        if len(matches) != 1:
            raise SystemExit(f"{outputs}: {len(matches)} files match {shot.pack} (for {shot.name})")
        page = find_page(matches[0], shot)
        data = render(matches[0], page, shot.dpi, shot.trim)
        (args.into / shot.name).write_bytes(data)
        total += len(data)
        print(f"{shot.name}: {matches[0].name} page {page}, {len(data) // 1024} KB")
    print(f"{len(SHOTS)} images, {total // 1024} KB in {args.into}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
