"""``shapeoverlap rama``: Ramachandran validation of structures, and the demo's rama section."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from ._output import add_output_options, check_figure_path, print_table, write_tables

__all__ = ["rama_section", "register", "run"]


def register(sub: Any) -> None:
    """Register the ``rama`` sub-command."""
    p = sub.add_parser(
        "rama",
        help="Ramachandran validation of PDB/mmCIF structures",
        description="Ramachandran validation: per structure and model, the residues with phi "
        "and psi, the % favored and % allowed (favored included), and the outliers.",
    )
    p.add_argument("structures", nargs="+", metavar="STRUCTURE",
                   help="PDB or mmCIF files (.pdb, .ent, .cif, .mmcif; optionally .gz/.bz2)")
    p.add_argument("--reference", default="builtin", metavar="builtin|PATH",
                   help="'builtin' (embedded reference, default) or a folder/file of "
                   "MolProbity Top8000 rama8000-*.data grids")
    p.add_argument("--model", type=int, default=None, metavar="N",
                   help="0-based model to read (default: every model)")
    p.add_argument("--max-bond", type=float, default=1.8, metavar="A",
                   help="longest C-N peptide bond joining residues (Å, default 1.8)")
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


def run(args: argparse.Namespace) -> int:
    """Run the sub-command."""
    from tqdm.auto import tqdm

    from ..rama import classify, phi_psi, summary

    figure = check_figure_path(args.plot)
    ref = _reference_arg(args.reference)
    frames = []
    files = list(args.structures)
    for path in tqdm(files, desc="structures", unit="file", file=sys.stderr,
                     disable=args.no_progress or len(files) < 2):
        table = phi_psi(path, model=args.model, max_bond=args.max_bond)
        table.insert(0, "structure", Path(path).name)
        frames.append(classify(table, ref))
    residues = pd.concat(frames, ignore_index=True)
    table = summary(residues)
    print_table("Ramachandran validation (favored / allowed / outliers)", table)
    write_tables(table, args.csv, args.json)
    if args.residues:
        residues.to_csv(args.residues, index=False)
    if figure is not None:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from ..plot import rama as rama_plot

        axes = rama_plot(residues, reference=ref, by_category=True,
                         title=", ".join(Path(f).name for f in files[:3]))
        fig = axes[0, 0].figure
        fig.savefig(figure, dpi=120, bbox_inches="tight")
        plt.close(fig)
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
