"""``shapeoverlap rama``: Ramachandran validation of structures, and the demo's rama section."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import ShapeOverlapError
from ._output import (
    add_output_options,
    check_figure_path,
    check_output_folders,
    print_table,
    write_tables,
)

__all__ = ["rama_section", "register", "run"]


def register(sub: Any) -> None:
    """Register the ``rama`` sub-command."""
    p = sub.add_parser(
        "rama",
        help="Ramachandran validation of PDB/mmCIF structures",
        description="Ramachandran validation: per structure and model, the residues with phi "
        "and psi, the % favored and % allowed (favored included), and the outliers.",
        epilog="With several structures, a file that cannot be read (or lacks the --model "
        "asked for) is reported on stderr, one line naming it, and skipped: the tables and "
        "figure cover the others, and the exit status is 2 at the end. With one structure, "
        "any error stops the run (exit status 2). A structure with no residue having both "
        "phi and psi keeps its row, with 0 residues (a warning on stderr).",
    )
    p.add_argument("structures", nargs="+", metavar="STRUCTURE",
                   help="PDB or mmCIF files (.pdb, .ent, .cif, .mmcif; optionally .gz/.bz2/.xz)")
    p.add_argument("--reference", default="builtin", metavar="builtin|PATH",
                   help="'builtin' (embedded reference, default), a folder of MolProbity "
                   "Top8000 rama8000-*.data grids (every residue class against its own grid), "
                   "or one such file (only the residues of that file's class are classified)")
    p.add_argument("--model", type=int, default=None, metavar="N",
                   help="0-based model to read (default: every model)")
    p.add_argument("--max-bond", type=float, default=1.8, metavar="A",
                   help="longest C-N peptide bond joining residues (Å, default 1.8)")
    p.add_argument("--format", choices=("pdb", "cif"), default=None,
                   help="file format of every structure (default: from the extensions)")
    p.add_argument("--residues", metavar="FILE",
                   help="also write the per-residue table (angles, class, region) as CSV")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    # --plot draws one panel per residue class, each against its own reference
    add_output_options(p)
    p.set_defaults(run=run)


def _reference_arg(value: str) -> Any:
    if value == "builtin":
        return None
    path = Path(value)
    if not path.exists():
        raise FileNotFoundError(f"--reference {value!r}: no such file or folder "
                                "(use 'builtin' or a Top8000 folder)")
    return path


def _structure_names(files: list[str]) -> list[str]:
    """Name each input by its file name, or by its path where file names repeat."""
    seen: dict[str, int] = {}
    for f in files:
        key = str(Path(f).resolve())
        if key in seen:
            raise ValueError(f"STRUCTURE {f!r} is given twice; each file once")
        seen[key] = 1
    names = [Path(f).name for f in files]
    if len(set(names)) == len(names):
        return names
    # ranked_0.pdb in every output folder: keep the paths apart
    return [str(f) if names.count(Path(f).name) > 1 else Path(f).name for f in files]


def _check_distinct_outputs(args: argparse.Namespace) -> None:
    """Refuse two output options naming one file (the second would overwrite the first)."""
    given = [(opt, v) for opt, v in (("--csv", args.csv), ("--json", args.json),
                                     ("--plot", args.plot), ("--residues", args.residues))
             if v]
    for k, (opt, v) in enumerate(given):
        for opt2, v2 in given[k + 1:]:
            if Path(v).resolve() == Path(v2).resolve():
                raise ValueError(f"{opt} and {opt2} name the same file {v!r}")


def _note(message: str) -> None:
    print(f"shapeoverlap rama: {message}", file=sys.stderr)


# what one unreadable structure raises; the same kinds the command line reports as bad input
_FILE_ERRORS = (ShapeOverlapError, ValueError, TypeError, OSError, KeyError)


def run(args: argparse.Namespace) -> int:
    """Run the sub-command."""
    import warnings

    from tqdm.auto import tqdm

    from ..rama import classify, phi_psi, summary
    from ..rama.reference import _read_single_file, _single_file

    figure = check_figure_path(args.plot)
    check_output_folders(csv=args.csv, json=args.json, plot=args.plot,
                         residues=args.residues)
    _check_distinct_outputs(args)
    if not (args.max_bond > 0 and math.isfinite(args.max_bond)):
        raise ValueError(f"--max-bond must be a positive number of Å; got {args.max_bond:g}")
    if args.model is not None and args.model < 0:
        raise ValueError(f"--model must be >= 0 (0 is the first model); got {args.model}")
    ref = _reference_arg(args.reference)
    one_file = _single_file(ref)
    reference_label = "builtin" if ref is None else str(args.reference)
    if one_file is not None:
        cat = _read_single_file(one_file).attrs["category"]
        reference_label = f"{one_file.name} ({cat} only)"
        _note(f"note: --reference {one_file.name} is the Top8000 grid of {cat!r} only: residues "
              "of other classes are not classified (pass the folder to classify every class)")
    frames = []
    files = list(args.structures)
    names = _structure_names(files)
    batch = len(files) > 1
    failed = 0
    for path, name in tqdm(list(zip(files, names, strict=True)), desc="structures",
                           unit="file", file=sys.stderr,
                           disable=args.no_progress or len(files) < 2):
        try:
            table = phi_psi(path, model=args.model, max_bond=args.max_bond,
                            format=args.format)
        except _FILE_ERRORS as exc:
            if not batch:
                raise
            failed += 1
            msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            if str(path) not in msg and Path(path).name not in msg:
                msg = f"{path}: {msg}"
            _note(f"error: {msg} (skipped)")
            continue
        table.insert(0, "structure", name)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # said once above for a single file
            frames.append(classify(table, ref))
        both = table["phi"].notna() & table["psi"].notna()
        if not both.any():
            _note(f"warning: {path}: no residue has both phi and psi "
                  f"({len(table)} residue(s)); it is listed with 0 residues")
    if not frames:
        _note(f"error: none of the {len(files)} structures could be read")
        return 2
    residues = pd.concat(frames, ignore_index=True)
    table = summary(residues)
    table.insert(1, "reference", reference_label)  # the files say what they were judged by
    print_table("Ramachandran validation (favored / allowed / outliers)", table)
    write_tables(table, args.csv, args.json)
    if args.residues:
        residues.to_csv(args.residues, index=False)
    if figure is not None:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from ..plot import rama as rama_plot

        shown = list(dict.fromkeys(residues["structure"]))
        axes = rama_plot(residues, reference=ref, by_category=True,
                         title=", ".join(shown[:3]) + (" …" if len(shown) > 3 else ""))
        fig = axes[0, 0].figure
        fig.savefig(figure, dpi=120, bbox_inches="tight")
        plt.close(fig)
    if failed:
        _note(f"error: {failed} of {len(files)} structures could not be read (see above); "
              "the tables cover the others")
        return 2
    return 0


def rama_section(outdir: Path) -> list[tuple[str, pd.DataFrame]]:
    """Demo: validate a shipped structure, draw it, and score the steric model's regions."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..plot import rama as rama_plot
    from ..rama import (
        classify,
        compare,
        example_structure,
        phi_psi,
        reference,
        regions,
        steric_regions,
        summary,
    )

    path = example_structure()
    residues = classify(phi_psi(path))
    residues.insert(0, "structure", path.name)
    table = summary(residues)
    axes = rama_plot(residues, by_category=True,
                     title=f"{path.name} against the embedded reference")
    fig = axes[0, 0].figure
    fig.savefig(outdir / "rama_5PTI.png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    empirical = regions(reference("general"))
    steric = steric_regions("ala")
    scores = compare(steric, empirical).reset_index()
    scores.insert(0, "comparison", "hard-sphere ala vs embedded general")
    return [
        (f"Ramachandran validation of {path.name} (embedded reference)", table),
        ("Steric (RRS 1963) vs empirical allowed regions on the torus", scores),
    ]
