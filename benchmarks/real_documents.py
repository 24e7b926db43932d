"""How ``reportgen check`` does on real .docx files that other people wrote.

    python benchmarks/real_documents.py DIR [--annotations FILE ...] [--quiet]

Checks every .docx/.dotx/.docm/.dotm directly in DIR and prints each file's finding groups
(as the human report groups them). With one or more annotation files (TSV: file, group,
severity, rule, place, message, label; label T = true, P = pedantic, F = wrong) each group is
matched to a judgement by element and paragraph text — rule ids may have changed since the
judgement was made, so the rule's family (``font``, ``grid`` …) and then the element and text
alone are tried. It prints the true/pedantic/wrong shares of the matched groups and lists the
groups no judgement matched (new findings, to be judged by looking at the file).

Run from a checkout: ``PYTHONPATH=. python benchmarks/real_documents.py DIR``. It does not fail.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from reportgen.check import check_file
from reportgen.check.rules import Finding
from reportgen.errors import ReportgenError

SUFFIXES = (".docx", ".dotx", ".docm", ".dotm")


@dataclass
class Group:
    file: str
    rule: str
    severity: str
    element: str
    place: str  # the first place, as the human report prints it
    text: str  # the paragraph's first characters, "" for a section or a footer
    message: str
    count: int


@dataclass
class Judgement:
    file: str
    rule: str
    element: str
    text: str
    message: str
    label: str


def groups_of(file: str, findings: list[Finding]) -> list[Group]:
    """The finding groups of one file, keyed as reportgen.check.output.human groups them."""
    grouped: dict[tuple[str, ...], list[Finding]] = {}
    for f in findings:
        grouped.setdefault((f.rule, f.severity, f.element, f.message, f.fix, str(f.unsure)), []).append(f)
    out = []
    for (rule, severity, element, message, _fix, _unsure), found in grouped.items():
        first = found[0]
        out.append(Group(file, rule, severity, element, first.place, first.text or "", message, len(found)))
    return out


def _place_parts(place: str) -> tuple[str, str]:
    """(element, paragraph text) of an annotated place such as 标题 · 第8段 「…」."""
    element = place.split(" · ", 1)[0].strip()
    m = re.search(r"「(.*?)」", place)
    return element, (m.group(1) if m else "")


def load_judgements(paths: list[Path]) -> list[Judgement]:
    out = []
    for path in paths:
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                element, text = _place_parts(row["place"])
                out.append(Judgement(row["file"], row["rule"], element, text, row["message"],
                                     row["label"].strip().upper()))
    return out


def _family(rule: str) -> str:
    return rule.split(".", 1)[0].split("-", 1)[0]


def match(group: Group, judgements: list[Judgement], used: set[int]) -> Judgement | None:
    """The judgement of the same file, element and paragraph text: same rule, then same rule
    family, then same message start; each judgement matches at most one group."""
    candidates = [(k, j) for k, j in enumerate(judgements)
                  if k not in used and j.file == group.file and j.element == group.element
                  and j.text == group.text]
    for test in (lambda j: j.rule == group.rule and j.message == group.message,
                 lambda j: j.rule == group.rule,
                 lambda j: _family(j.rule) == _family(group.rule),
                 lambda j: j.message[:8] == group.message[:8]):
        for k, j in candidates:
            if test(j):
                used.add(k)
                return j
    return None


def _shares(what: str, labels: list[str]) -> None:
    counts = Counter(labels)
    judged = counts["T"] + counts["P"] + counts["F"]
    if judged:
        shares = ", ".join(f"{name} {counts[key] / judged:.0%}"
                           for key, name in (("T", "true"), ("P", "pedantic"), ("F", "wrong")))
        print(f"{what}: {judged}: {shares} (T {counts['T']}, P {counts['P']}, F {counts['F']})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", type=Path)
    parser.add_argument("--annotations", type=Path, action="append", default=[],
                        help="TSV of judged finding groups (may be given more than once)")
    parser.add_argument("--quiet", action="store_true", help="only the totals")
    parser.add_argument("--dump", type=Path, help="append the unjudged groups to this TSV (label ?), "
                        "in the annotations' columns, to be judged by hand")
    args = parser.parse_args(argv)
    judgements = load_judgements(args.annotations)
    files = sorted(p for p in args.dir.iterdir() if p.suffix.lower() in SUFFIXES and p.is_file())
    unmatched: list[Group] = []
    findings_total = 0
    groups_total = 0
    used: set[int] = set()
    judged_groups: list[Group] = []
    judged_labels: list[str] = []
    for path in files:
        try:
            report = check_file(path)
        except ReportgenError as exc:
            print(f"{path.stem}: not checked: {exc.problems[0].message}")
            continue
        groups = groups_of(path.stem, report.findings)
        findings_total += len(report.findings)
        groups_total += len(groups)
        if not args.quiet:
            print(f"{path.stem}: {len(report.findings)} findings in {len(groups)} groups")
        for g in groups:
            j = match(g, judgements, used) if judgements else None
            label = j.label if j else "?"
            if j is not None:
                judged_groups.append(g)
                judged_labels.append(label)
            if j is None:
                unmatched.append(g)
            if not args.quiet:
                flat = g.message.replace("\n", "⏎")
                print(f"  {label} {g.severity[0].upper()} {g.rule:26} {g.element} · {g.place}"
                      f"{f' ×{g.count}' if g.count > 1 else ''}  {flat[:90]}")
    print(f"\n{len(files)} files, {findings_total} findings in {groups_total} groups")
    if args.dump is not None:
        new = args.dump.exists()
        with args.dump.open("a", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh, delimiter="\t", lineterminator="\n")
            if not new:
                out.writerow(["file", "group", "sev", "rule", "place", "message", "label"])
            for k, g in enumerate(unmatched, 1):
                place = f"{g.element} · {g.place}"
                out.writerow([g.file, k, g.severity[0].upper(), g.rule, place, g.message, "?"])
    if judgements:
        pairs = list(zip(judged_groups, judged_labels, strict=True))
        _shares("judged groups", [label for _g, label in pairs])
        _shares("without notices", [label for g, label in pairs if g.severity != "notice"])
        for key, name in (("P", "pedantic"), ("F", "wrong")):
            counts = Counter(g.rule for g, label in pairs if label == key)
            if counts:
                print(f"  {name} by rule: " + ", ".join(f"{r} {n}" for r, n in counts.most_common()))
        print(f"unmatched (new) groups: {len(unmatched)}")
        for g in unmatched:
            print(f"  new: {g.file}\t{g.rule}\t{g.element} · {g.place}\t{g.message[:100]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
