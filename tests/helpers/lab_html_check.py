#!/usr/bin/env python3
"""Checks on icmp-lab's HTML page as a browser left it, for lab_html_browser.sh.

Standard library only.

  lab_html_check.py dom DOM.html [--field FRAME|NAME|HEX|DEC]... [--bytes FRAME|CLASS|I I...]...
                              [--text FRAME|CLASS|TEXT]... [--lit FRAME|I I...]...
      DOM.html is `chromium --dump-dom` output: the document after its script ran.
      Always checked: the script ran (<html data-script="ready">); it found bytes in the
      grid for every field of every frame (data-linked-fields); the page refers to
      nothing outside itself. Then, per option, in the <section id=FRAME>:
        --field  the diagram cell of field NAME shows value HEX and DEC
        --bytes  exactly the bytes I... of the grid have class CLASS
        --text   an element with class CLASS holds exactly TEXT
        --lit    exactly the bytes I... are highlighted (class hl)

  lab_html_check.py png SHOT.png --width W [--min-colours N] [--min-ink SHARE]
      The screenshot is W pixels wide and not blank: at least N distinct colours and at
      least SHARE of its pixels not white.

Exit status 0 when every check holds; 1 with one line per failed check otherwise.
"""

import struct
import sys
import zlib
from html.parser import HTMLParser


class Element:
    def __init__(self, tag, attrs, frame):
        self.tag = tag
        self.attrs = dict(attrs)
        self.classes = (self.attrs.get("class") or "").split()
        self.frame = frame
        self.text = ""

    def has_classes(self, classes):
        """Whether every class of `classes` ("verdict good") is among the element's."""
        return all(c in self.classes for c in classes.split())


class PageParser(HTMLParser):
    """Every element with its attributes, its text and the frame section it is in."""

    VOID = {"meta", "col", "br", "img", "input", "link", "hr", "source", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []
        self.open = []
        self.frame = None
        self.frames = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "section" and "frame" in (attributes.get("class") or "").split():
            self.frame = attributes.get("id")
            self.frames[self.frame] = attributes
        element = Element(tag, attrs, self.frame)
        self.elements.append(element)
        if tag not in self.VOID:
            self.open.append(element)

    def handle_endtag(self, tag):
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i].tag == tag:
                del self.open[i:]
                break
        if tag == "section":
            self.frame = None

    def handle_data(self, data):
        for element in self.open:
            element.text += data


def split(spec, parts):
    fields = spec.split("|", parts - 1)
    if len(fields) != parts:
        raise SystemExit(f"bad check {spec!r}: want {parts} parts separated by |")
    return fields


def check_dom(path, options):
    with open(path, encoding="utf-8") as f:
        parser = PageParser()
        parser.feed(f.read())
    failures = []
    elements = parser.elements
    root = next((e for e in elements if e.tag == "html"), None)
    if root is None or root.attrs.get("data-script") != "ready":
        failures.append("the page's script did not run: no <html data-script=\"ready\">")
    if not parser.frames:
        failures.append("no frame sections")
    for frame, attributes in parser.frames.items():
        cells = [e for e in elements if e.frame == frame and "data-name" in e.attrs]
        linked = attributes.get("data-linked-fields")
        if cells and linked != str(len(cells)):
            failures.append(f"{frame}: the script found bytes for {linked} of {len(cells)} fields")
    for e in elements:
        if e.tag in ("script", "img", "iframe", "link", "audio", "video") and "src" in e.attrs:
            failures.append(f"<{e.tag} src={e.attrs['src']!r}>: the page loads something")
        if e.tag == "link":
            failures.append(f"<link href={e.attrs.get('href')!r}>: the page loads something")
        href = e.attrs.get("href")
        if href is not None and not href.startswith("#"):
            failures.append(f"a link out of the page: {href!r}")

    def in_frame(frame):
        found = [e for e in elements if e.frame == frame]
        if not found:
            failures.append(f"no section {frame}")
        return found

    def byte_indexes(frame, css_class):
        return sorted(int(e.attrs["data-i"]) for e in in_frame(frame)
                      if "data-i" in e.attrs and e.has_classes(css_class))

    for kind, spec in options:
        if kind == "--field":
            frame, name, hex_value, decimal = split(spec, 4)
            cells = [e for e in in_frame(frame) if e.attrs.get("data-name") == name]
            if len(cells) != 1:
                failures.append(f"{frame}: {len(cells)} cells for field {name!r}, expected 1")
                continue
            cell = cells[0]
            got = (cell.attrs.get("data-hex"), cell.attrs.get("data-dec"))
            if got != (hex_value, decimal):
                failures.append(f"{frame}: field {name!r} has {got}, expected "
                                f"{(hex_value, decimal)}")
            if hex_value not in cell.text:
                failures.append(f"{frame}: field {name!r} does not show {hex_value!r}: "
                                f"{cell.text!r}")
        elif kind == "--bytes":
            frame, css_class, indexes = split(spec, 3)
            expected = sorted(int(i) for i in indexes.split())
            got = byte_indexes(frame, css_class)
            if got != expected:
                failures.append(f"{frame}: bytes with class {css_class!r} are {got}, expected "
                                f"{expected}")
        elif kind == "--text":
            frame, css_class, text = split(spec, 3)
            texts = [e.text.strip() for e in in_frame(frame) if e.has_classes(css_class)]
            if text not in texts:
                failures.append(f"{frame}: no element of class {css_class!r} says {text!r}; "
                                f"those there say {texts}")
        elif kind == "--lit":
            frame, indexes = split(spec, 2)
            expected = sorted(int(i) for i in indexes.split())
            got = byte_indexes(frame, "hl")
            if got != expected:
                failures.append(f"{frame}: highlighted bytes are {got}, expected {expected}")
        else:
            raise SystemExit(f"unknown option {kind}")
    return failures


def png_pixels(path):
    """Width, height and the rows of RGB tuples of an 8-bit RGB or RGBA PNG."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    at, idat, header = 8, b"", None
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        at += 12 + length
    width, height, depth, colour, _, _, interlace = header
    channels = {2: 3, 6: 4}.get(colour)
    if depth != 8 or channels is None or interlace != 0:
        raise ValueError(f"unsupported PNG: depth {depth}, colour type {colour}, "
                         f"interlace {interlace}")
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous, at = [], bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[at], bytearray(raw[at + 1:at + 1 + stride])
        at += 1 + stride
        if kind == 2:  # the common cases without a Python loop per byte
            line = bytearray((a + b) & 0xFF for a, b in zip(line, previous))
        for i in range(stride if kind in (1, 3, 4) else 0):  # PNG 1.2 6: the filter types
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            up_left = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - up_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                predictor = left if pa <= pb and pa <= pc else up if pb <= pc else up_left
                line[i] = (line[i] + predictor) & 0xFF
        rows.append([tuple(line[x:x + 3]) for x in range(0, stride, channels)])
        previous = line
    return width, height, rows


def check_png(path, width, min_colours, min_ink):
    try:
        got_width, height, rows = png_pixels(path)
    except (OSError, ValueError, zlib.error, struct.error, TypeError) as error:
        return [f"{path}: {error}"]
    failures = []
    if got_width != width:
        failures.append(f"{path}: {got_width} pixels wide, expected {width}")
    colours = set()
    ink = 0
    for row in rows:
        colours.update(row)
        ink += sum(1 for pixel in row if pixel != (255, 255, 255))
    share = ink / (got_width * height) if height else 0
    print(f"{path}: {got_width}x{height}, {len(colours)} colours, {share:.1%} not white")
    if len(colours) < min_colours:
        failures.append(f"{path}: {len(colours)} distinct colours, expected at least {min_colours}")
    if share < min_ink:
        failures.append(f"{path}: {share:.1%} of the pixels are not white, expected at least "
                        f"{min_ink:.0%}")
    return failures


def main(argv):
    if len(argv) < 3 or argv[1] not in ("dom", "png"):
        print(__doc__, file=sys.stderr)
        return 2
    if argv[1] == "dom":
        args = argv[3:]
        if len(args) % 2:
            raise SystemExit("each check option takes one value")
        failures = check_dom(argv[2], list(zip(args[::2], args[1::2])))
    else:
        values = dict(zip(argv[3::2], argv[4::2]))
        failures = check_png(argv[2], int(values["--width"]),
                             int(values.get("--min-colours", "8")),
                             float(values.get("--min-ink", "0.05")))
    for failure in failures:
        print(failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
