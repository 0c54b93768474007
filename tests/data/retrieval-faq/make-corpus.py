#!/usr/bin/env python3
"""Builds corpus/ from the FAQs that Debian packages install: one Markdown file per FAQ, each question a section."""
import gzip
import re
import sys
from pathlib import Path


def read(path):
    data = gzip.open(path).read() if path.endswith(".gz") else open(path, "rb").read()
    return data.decode("utf-8", "replace").replace("\t", "    ")


def numbered(text, pattern, skip=None):
    """Questions start a line and match pattern (group 1 is the question); the answer runs to the next question.

    Lines matching skip (chapter titles between questions) are left out.
    """
    entries, question, answer, open_question = [], None, [], False
    for line in text.splitlines():
        match = re.match(pattern, line)
        if match:
            if question:
                entries.append((question, answer))
            question, answer = match.group(1).strip(), []
            open_question = not question.endswith(("?", ".", ":"))
        elif open_question and line.strip():
            # A question that does not end on its first line continues on the next ones.
            question += " " + line.strip()
            open_question = not question.endswith(("?", ".", ":")) and len(question) < 300
        elif question is not None:
            open_question = False
            if re.fullmatch(r"-{20,}", line.strip()) or (skip and re.match(skip, line)):
                continue
            answer.append(line)
    if question:
        entries.append((question, answer))
    return entries


def xz(text):
    entries, question, answer, in_question = [], None, [], False
    for line in text.splitlines():
        if line.startswith("Q:"):
            if question:
                entries.append((question, answer))
            question, answer, in_question = line[2:].strip(), [], True
        elif in_question and line.startswith("    ") and not line.startswith("A:"):
            question += " " + line.strip()
        elif line.startswith("A:"):
            in_question = False
            answer.append("    " + line[2:].strip())
        elif question is not None:
            in_question = False
            answer.append(line)
    if question:
        entries.append((question, answer))
    return entries


def underlined(text):
    lines = text.splitlines()
    entries, question, answer = [], None, []
    for i, line in enumerate(lines):
        if i + 1 < len(lines) and re.fullmatch(r"=+", lines[i + 1].strip()) and line.strip():
            if question:
                entries.append((question, answer))
            question, answer = line.strip(), []
        elif question is not None and not re.fullmatch(r"=+", line.strip()):
            answer.append(line)
    if question:
        entries.append((question, answer))
    return entries


SOURCES = [
    ("zlib.md", "zlib FAQ", "/usr/share/doc/zlib1g-dev/FAQ.gz", lambda t: numbered(t, r"^\s{0,2}\d+\.\s+(\S.*)$")),
    ("xz-utils.md", "XZ Utils FAQ", "/usr/share/doc/xz-utils/faq.txt.gz", xz),
    ("procps.md", "procps FAQ", "/usr/share/doc/procps/FAQ.gz", lambda t: numbered(t, r"^(\S.*\?)\s*$")),
    ("valgrind.md", "Valgrind FAQ", "/usr/share/doc/valgrind/FAQ.txt.gz", lambda t: numbered(t, r"^\d+\.\d+\.\s+(\S.*)$", skip=r"^\d+\.\s+[A-Z][A-Za-z ,]*$")),
]


def main(out):
    out.mkdir(parents=True, exist_ok=True)
    for name, title, path, parse in SOURCES:
        parts = [f"# {title}\n"]
        for question, answer in parse(read(path)):
            body = "\n".join(answer).strip("\n")
            lines = [l[4:] if l.startswith("    ") else l.lstrip() for l in body.splitlines()]
            parts.append(f"## {' '.join(question.split())}\n\n" + "\n".join(lines).strip() + "\n")
        (out / name).write_text("\n".join(parts), encoding="utf-8")
        print(name, len(parts) - 1, "questions", file=sys.stderr)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "corpus")
