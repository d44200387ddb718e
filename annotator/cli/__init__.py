"""The `flower-annotator` command line: the GUI by default, subcommands for everything else.

Subcommand modules are imported only when chosen, so starting the GUI never imports `models`/TensorFlow.
Each subcommand module has ``add_arguments(parser)`` and ``run(args) -> int``.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# name -> (module, one-line help). Modules under `models.cli` may import TensorFlow in `run` only.
COMMANDS: dict[str, tuple[str, str]] = {
    "sample-data": (
        "annotator.cli.sample_data",
        "generate synthetic flower photos with exact VOC labels",
    ),
    "export": ("annotator.cli.export", "export a VOC folder to voc|yolo|coco|createml"),
    "import": ("annotator.cli.import_", "import yolo|coco|createml annotations back into VOC"),
    "render": ("annotator.cli.render", "draw an image with its boxes and model overlays to a PNG"),
    "train": ("models.cli.train", "train a model on a VOC folder"),
    "evaluate": ("models.cli.evaluate", "evaluate a model on a VOC folder"),
    "mistakes": (
        "models.cli.mistakes",
        "list likely label mistakes (cleanlab scores of a model's predictions)",
    ),
    "predict": ("models.cli.predict", "predict boxes for images and write them as VOC XML"),
    "classify": ("models.cli.classify", "ImageNet top-3 with a pretrained ResNet-50"),
}


def _top_help() -> str:
    lines = [
        "usage: flower-annotator [PATH] [--save-dir DIR] [--classes FILE]",
        "       flower-annotator COMMAND [options]   (COMMAND --help for its options)",
        "",
        "Opens the labelling window on PATH (an image or a folder; the sample flowers when omitted).",
        "",
        "commands:",
    ]
    lines += [f"  {name:<12} {help_}" for name, (_, help_) in COMMANDS.items()]
    return "\n".join(lines)


def gui_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="flower-annotator", description="Open the labelling window.")
    parser.add_argument("path", nargs="?", help="an image or a folder of images to open")
    parser.add_argument("--save-dir", help="folder where annotations are saved (default: beside the images)")
    parser.add_argument("--classes", help="predefined classes file, one label a line")
    parser.add_argument("--sample", action="store_true", help="open the built-in sample flowers")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("-h", "--help"):
        print(_top_help())
        return 0
    if argv and argv[0] in COMMANDS:
        name = argv[0]
        module_name, help_ = COMMANDS[name]
        module = importlib.import_module(module_name)
        from annotator.core.cli_args import OneLineParser

        parser = OneLineParser(prog=f"flower-annotator {name}", description=help_)
        module.add_arguments(parser)
        try:
            args = parser.parse_args(argv[1:])
        except SystemExit as exc:  # --help (0) or a bad argument (2, one line already printed)
            return int(exc.code or 0)
        return int(module.run(args) or 0)
    args = gui_parser().parse_args(argv)
    from annotator.ui.app import run_gui

    return run_gui(args)


if __name__ == "__main__":
    sys.exit(main())
