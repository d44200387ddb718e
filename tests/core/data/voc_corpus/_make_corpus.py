"""Regenerates the sloppy/hostile VOC corpus and its `expected.json` (run once; the files are committed).

Each case is a file plus its expected outcome: either the values `voc.read` must return (coordinates in the
file's own 1-based VOC numbers, so the expectations read like the files) or the `VocError` it must raise
(object counted from 1, field path, and a fragment of the message).
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent

LABELIMG = """<annotation>
\t<folder>flowers</folder>
\t<filename>flower_00001.jpg</filename>
\t<path>/home/user/flowers/flower_00001.jpg</path>
\t<source>
\t\t<database>Unknown</database>
\t</source>
\t<size>
\t\t<width>640</width>
\t\t<height>480</height>
\t\t<depth>3</depth>
\t</size>
\t<segmented>0</segmented>
\t<object>
\t\t<name>daisy</name>
\t\t<pose>Unspecified</pose>
\t\t<truncated>1</truncated>
\t\t<difficult>0</difficult>
\t\t<bndbox>
\t\t\t<xmin>1</xmin>
\t\t\t<ymin>37</ymin>
\t\t\t<xmax>212</xmax>
\t\t\t<ymax>301</ymax>
\t\t</bndbox>
\t</object>
\t<object>
\t\t<name>tulips</name>
\t\t<pose>Frontal</pose>
\t\t<truncated>0</truncated>
\t\t<difficult>1</difficult>
\t\t<bndbox>
\t\t\t<xmin>300</xmin>
\t\t\t<ymin>120</ymin>
\t\t\t<xmax>640</xmax>
\t\t\t<ymax>480</ymax>
\t\t</bndbox>
\t</object>
</annotation>
"""


def obj(name, xmin, ymin, xmax, ymax, extra="", pose="Unspecified", truncated="0", difficult="0"):
    parts = [f"<object><name>{name}</name>"]
    if pose is not None:
        parts.append(f"<pose>{pose}</pose>")
    if truncated is not None:
        parts.append(f"<truncated>{truncated}</truncated>")
    if difficult is not None:
        parts.append(f"<difficult>{difficult}</difficult>")
    coords = "".join(
        f"<{k}>{v}</{k}>"
        for k, v in zip(("xmin", "ymin", "xmax", "ymax"), (xmin, ymin, xmax, ymax), strict=True)
        if v is not None
    )
    parts.append(f"<bndbox>{coords}</bndbox>{extra}</object>")
    return "".join(parts)


def doc(
    *objects,
    head="",
    size="<size><width>100</width><height>80</height><depth>3</depth></size>",
    root="annotation",
):
    return f"<{root}>{head}<folder>f</folder><filename>a.jpg</filename>{size}{''.join(objects)}</{root}>"


def ok(filename="a.jpg", width=100, height=80, verified=False, objects=()):
    return {
        "ok": {
            "filename": filename,
            "width": width,
            "height": height,
            "verified": verified,
            "objects": [list(o) for o in objects],
        }
    }


def err(fragment, obj_no=None, field=None):
    return {"error": {"object": obj_no, "field": field, "contains": fragment}}


GOOD = ("daisy", 10, 20, 30, 40, False, False, "Unspecified")
CASES: dict[str, tuple[bytes, dict]] = {}


def case(name: str, data: str | bytes, expected: dict) -> None:
    CASES[name] = (data.encode("utf-8") if isinstance(data, str) else data, expected)


# ---- tolerated -----------------------------------------------------------------------------------------
LI_OBJS = [
    ("daisy", 1, 37, 212, 301, False, True, "Unspecified"),
    ("tulips", 300, 120, 640, 480, True, False, "Frontal"),
]
case("ok_labelimg.xml", LABELIMG, ok("flower_00001.jpg", 640, 480, False, LI_OBJS))
case(
    "ok_labelimg_verified.xml",
    LABELIMG.replace("<annotation>", '<annotation verified="yes">', 1),
    ok("flower_00001.jpg", 640, 480, True, LI_OBJS),
)
case(
    "ok_float_coords.xml",
    doc(obj("daisy", "10.6", "20.2", "30.5", "40.49")),
    ok(objects=[("daisy", 10.6, 20.2, 30.5, 40.49, False, False, "Unspecified")]),
)
case("ok_difficult_empty.xml", doc(obj("daisy", 10, 20, 30, 40, difficult="")), ok(objects=[GOOD]))
case(
    "ok_flag_words.xml",
    doc(
        obj("a", 1, 2, 3, 4, truncated="true", difficult="YES"),
        obj("b", 1, 2, 3, 4, truncated="False", difficult="no"),
    ),
    ok(
        objects=[("a", 1, 2, 3, 4, True, True, "Unspecified"), ("b", 1, 2, 3, 4, False, False, "Unspecified")]
    ),
)
case(
    "ok_missing_pose_truncated_difficult.xml",
    doc(obj("daisy", 10, 20, 30, 40, pose=None, truncated=None, difficult=None)),
    ok(objects=[GOOD]),
)
case("ok_missing_size.xml", doc(obj("daisy", 10, 20, 30, 40), size=""), ok(width=0, height=0, objects=[GOOD]))
case("ok_bom.xml", b"\xef\xbb\xbf" + doc(obj("daisy", 10, 20, 30, 40)).encode(), ok(objects=[GOOD]))
case("ok_crlf.xml", LABELIMG.replace("\n", "\r\n"), ok("flower_00001.jpg", 640, 480, False, LI_OBJS))
case(
    "ok_extra_elements.xml",
    doc(
        obj(
            "daisy",
            10,
            20,
            30,
            40,
            extra="<occluded>1</occluded><attributes><attribute><name>colour</name>"
            "<value>white</value></attribute></attributes>",
        ),
        head="<owner><name>Kim</name></owner>",
    ),
    ok(objects=[GOOD]),
)
case(
    "ok_korean.xml",
    "<annotation><folder>꽃 사진</folder><filename>장미_01.jpg</filename>"
    "<path>C:\\Users\\김철수\\꽃 사진\\장미_01.jpg</path><size><width>100</width><height>80</height></size>"
    + obj("장미", 10, 20, 30, 40)
    + obj("해바라기", 5, 5, 50, 60)
    + "</annotation>",
    ok(
        "장미_01.jpg",
        objects=[
            ("장미", 10, 20, 30, 40, False, False, "Unspecified"),
            ("해바라기", 5, 5, 50, 60, False, False, "Unspecified"),
        ],
    ),
)
case(
    "ok_voc2007_original.xml",
    "<annotation>\n\t<folder>VOC2007</folder>\n\t<filename>000005.jpg</filename>\n\t<source>\n"
    "\t\t<database>The VOC2007 Database</database>\n\t\t<annotation>PASCAL VOC2007</annotation>\n"
    "\t\t<image>flickr</image>\n\t\t<flickrid>325991873</flickrid>\n\t</source>\n\t<owner>\n"
    "\t\t<flickrid>archintent louisville</flickrid>\n\t\t<name>?</name>\n\t</owner>\n\t<size>\n"
    "\t\t<width>500</width>\n\t\t<height>375</height>\n\t\t<depth>3</depth>\n\t</size>\n"
    "\t<segmented>0</segmented>\n\t<object>\n\t\t<name>chair</name>\n\t\t<pose>Rear</pose>\n"
    "\t\t<truncated>0</truncated>\n\t\t<difficult>0</difficult>\n\t\t<bndbox>\n\t\t\t<xmin>263</xmin>\n"
    "\t\t\t<ymin>211</ymin>\n\t\t\t<xmax>324</xmax>\n\t\t\t<ymax>339</ymax>\n\t\t</bndbox>\n\t</object>\n"
    "</annotation>\n",
    ok("000005.jpg", 500, 375, objects=[("chair", 263, 211, 324, 339, False, False, "Rear")]),
)
case(
    "ok_utf16.xml",
    ('<?xml version="1.0" encoding="UTF-16"?>' + doc(obj("수선화", 10, 20, 30, 40))).encode("utf-16"),
    ok(objects=[("수선화", 10, 20, 30, 40, False, False, "Unspecified")]),
)
case(
    "ok_score_prediction.xml",
    doc(obj("roses", 10, 20, 30, 40, extra="<score>0.875</score>")),
    ok(objects=[("roses", 10, 20, 30, 40, False, False, "Unspecified")]),
)
case(
    "ok_pretty_whitespace.xml",
    "<annotation>\n  <filename>\n    a.jpg\n  </filename>\n  <size>\n    <width> 100 </width>\n"
    "    <height>\n80\n</height>\n  </size>\n  <object>\n    <name>\n      daisy\n    </name>\n"
    "    <bndbox>\n      <xmin> 10 </xmin>\n      <ymin>20</ymin>\n      <xmax>30\n</xmax>\n"
    "      <ymax>40</ymax>\n    </bndbox>\n  </object>\n</annotation>\n",
    ok(objects=[GOOD]),
)
case("ok_no_objects.xml", doc(), ok())
case(
    "ok_one_line_spaces.xml", '<?xml version="1.0"?>' + doc(obj("daisy", 10, 20, 30, 40)), ok(objects=[GOOD])
)
case(
    "ok_size_float.xml",
    doc(
        obj("daisy", 10, 20, 30, 40),
        size="<size><width>100.0</width><height>80.0</height><depth>3</depth></size>",
    ),
    ok(objects=[GOOD]),
)
case(
    "ok_one_pixel_box.xml",
    doc(obj("daisy", 10, 20, 10, 20)),
    ok(objects=[("daisy", 10, 20, 10, 20, False, False, "Unspecified")]),
)
case(
    "ok_duplicate_filename.xml",
    doc(obj("daisy", 10, 20, 30, 40), head="<filename>dup.jpg</filename>"),
    ok("dup.jpg", objects=[GOOD]),
)
case(
    "ok_escaped_label.xml",
    doc(obj("a &amp; b &lt;c&gt;", 10, 20, 30, 40)),
    ok(objects=[("a & b <c>", 10, 20, 30, 40, False, False, "Unspecified")]),
)
case(
    "ok_comments.xml",
    "<?xml version='1.0'?><!-- made by hand --><?pi x?>"
    + doc(obj("daisy", 10, 20, 30, 40, extra="<!-- fine -->")),
    ok(objects=[GOOD]),
)
case(
    "ok_latin1.xml",
    ('<?xml version="1.0" encoding="ISO-8859-1"?>' + doc(obj("pâquerette", 10, 20, 30, 40))).encode(
        "latin-1"
    ),
    ok(objects=[("pâquerette", 10, 20, 30, 40, False, False, "Unspecified")]),
)
case(
    "ok_negative_outside.xml",
    doc(obj("daisy", -5, 0, 120, 90)),
    ok(objects=[("daisy", -5, 0, 120, 90, False, False, "Unspecified")]),
)

# ---- refused -------------------------------------------------------------------------------------------
case(
    "err_missing_xmin.xml",
    doc(obj("daisy", 10, 20, 30, 40), obj("rose", None, 20, 30, 40)),
    err("coordinate missing", 2, "bndbox/xmin"),
)
case(
    "err_nonnumeric_coord.xml", doc(obj("daisy", 10, "twenty", 30, 40)), err("not a number", 1, "bndbox/ymin")
)
case("err_empty_coord.xml", doc(obj("daisy", 10, 20, "", 40)), err("not a number", 1, "bndbox/xmax"))
case("err_nan_coord.xml", doc(obj("daisy", 10, 20, 30, "NaN")), err("not a finite number", 1, "bndbox/ymax"))
case("err_inf_coord.xml", doc(obj("daisy", "-inf", 20, 30, 40)), err("not a finite number", 1, "bndbox/xmin"))
case(
    "err_inverted_box.xml",
    doc(obj("a", 1, 2, 3, 4), obj("b", 1, 2, 3, 4), obj("daisy", 50, 20, 30, 40)),
    err("inverted box", 3, "bndbox/xmax"),
)
case(
    "err_wrong_root.xml", doc(obj("daisy", 10, 20, 30, 40), root="annotations"), err("expected <annotation>")
)
case("err_broken_xml.xml", doc(obj("daisy", 10, 20, 30, 40))[:-30], err("broken XML"))
case("err_empty_file.xml", b"", err("broken XML"))
case("err_html.xml", "<!doctype html><html><body>Not found</body></html>", err("broken XML"))
case(
    "err_billion_laughs.xml",
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">\n'
        for i in range(1, 10)
    )
    + "]>\n<annotation><filename>&lol9;</filename></annotation>\n",
    err("DTD"),
)
case(
    "err_external_entity.xml",
    '<?xml version="1.0"?>\n<!DOCTYPE annotation [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    "<annotation><filename>&xxe;</filename></annotation>\n",
    err("DTD"),
)
case(
    "err_external_dtd.xml",
    '<?xml version="1.0"?>\n<!DOCTYPE annotation SYSTEM "http://example.invalid/voc.dtd">\n' + doc(),
    err("DTD"),
)
case(
    "err_missing_name.xml",
    doc(obj("daisy", 10, 20, 30, 40)).replace("<name>daisy</name>", ""),
    err("missing", 1, "name"),
)
case("err_missing_bndbox.xml", doc("<object><name>daisy</name></object>"), err("no <bndbox>", 1, "bndbox"))
case(
    "err_bad_flag.xml",
    doc(obj("daisy", 10, 20, 30, 40, difficult="maybe")),
    err("not a flag", 1, "difficult"),
)
case(
    "err_bad_score.xml",
    doc(obj("daisy", 10, 20, 30, 40, extra="<score>high</score>")),
    err("not a number", 1, "score"),
)
case(
    "err_bad_width.xml",
    doc(size="<size><width>wide</width><height>80</height></size>"),
    err("not a number", None, "size/width"),
)
case("err_binary_garbage.xml", bytes(range(256)) * 4, err("XML"))


def main() -> None:
    expected = {}
    for name, (data, outcome) in CASES.items():
        (HERE / name).write_bytes(data)
        expected[name] = outcome
    (HERE / "expected.json").write_text(
        json.dumps(expected, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"{len(CASES)} cases written to {HERE}")


if __name__ == "__main__":
    main()
