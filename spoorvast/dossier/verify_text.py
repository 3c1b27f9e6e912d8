"""How to verify the dossier with standard tools: the steps, in the dossier language.

The same steps are written to VERIFY.txt and printed on the PDF's verification page.
"""

from __future__ import annotations

from dataclasses import dataclass

from spoorvast.dossier.bundle import CUSTODY, PDF, PDF_SUM, SUMS
from spoorvast.dossier.timestamps import TimestampCheck
from spoorvast.i18n import _

CUSTODY_PYTHON = f"""python3 - <<'EOF'
import hashlib, json, re
prev = "0" * 64
for n, line in enumerate(open("{CUSTODY}", encoding="utf-8"), 1):
    line = line.rstrip("\\n")
    entry = json.loads(line)
    body = re.sub(r'"hash":"[0-9a-f]{{64}}",', "", line, count=1)
    ok = hashlib.sha256(body.encode()).hexdigest() == entry["hash"]
    ok = ok and entry["prev_hash"] == prev
    print(n, entry["seq"], entry["action"], "OK" if ok else "FAILED")
    prev = entry["hash"]
EOF"""

CUSTODY_SHELL = (f"sed -n 1p {CUSTODY} | sed 's/\"hash\":\"[0-9a-f]\\{{64\\}}\",//' "
                 "| tr -d '\\n' | sha256sum\n"
                 f"sed -n 1p {CUSTODY} | jq -r .hash")


@dataclass(frozen=True, slots=True)
class Step:
    title: str
    text: str
    commands: tuple[str, ...] = ()


def _bundle_text(bundle_sha: str | None) -> str:
    text = _("The SHA-256 of the file SHA256SUMS must equal the bundle SHA-256 printed on "
             "the cover of the PDF. SHA256SUMS lists every file of the bundle except the PDF "
             "itself (the PDF carries this value, so it cannot be among the files the value "
             "covers).")
    if bundle_sha:
        text += " " + _("For this dossier: {sha}.").format(sha=bundle_sha)
    return text


def steps(bundle_sha: str | None, stamps: list[TimestampCheck],
          sums_stamps: list[TimestampCheck] | None = None) -> list[Step]:
    found = [
        Step(_("1. Every file is unchanged"),
             _("Open a terminal in the dossier folder (unzip the ZIP first) and run the "
               "command below. Every line must end in OK. On macOS use "
               "'shasum -a 256 -c SHA256SUMS'."), (f"sha256sum -c {SUMS}",)),
        Step(_("2. This is the bundle the PDF describes"), _bundle_text(bundle_sha),
             (f"sha256sum {SUMS}",)),
        Step(_("3. The PDF is unchanged"),
             _("The PDF's own SHA-256 is in {name}.").format(name=PDF_SUM),
             (f"sha256sum -c {PDF_SUM}",)),
        _custody_step(),
    ]
    if stamps:
        found.append(Step(
            _("5. Trusted timestamps (RFC 3161)"),
            _("Each command must print 'Verification: OK'. It shows that the timestamp "
              "authority saw the file's SHA-256 at the time written in the token (read it "
              "with 'openssl ts -reply -in TOKEN -text'). -partial_chain trusts the "
              "authority's certificate included in the bundle; whether to trust that "
              "authority is for you to decide."),
            tuple(s.command() for s in stamps)))
    if sums_stamps:
        found.append(_sums_step(sums_stamps))
    found.append(Step(_("Everything at once"),
                      _("With spoorvast installed, this command does all of the above, on "
                        "the folder or on the ZIP, without the vault."),
                      ("spoorvast verify-bundle .",)))
    return found


def _sums_step(checks: list[TimestampCheck]) -> Step:
    return Step(
        _("6. The time of the whole bundle (RFC 3161, independent authorities)"),
        _("SHA256SUMS, and with it every file it lists, was time-stamped by each "
          "authority below; the token and the certificates it came with are in the folder "
          "timestamps/. Each command must print 'Verification: OK'. A token file that is "
          "missing means that authority did not answer: the PDF says which one signed "
          "each token, at what time, and whether it is qualified under eIDAS."),
        tuple(c.command() for c in checks))


def _custody_step() -> Step:
    return Step(
        _("4. The custody log is intact"),
        _("custody.jsonl holds the case's custody log, one entry per line. Each entry's "
          "hash is the SHA-256 of the line without its \"hash\" member (RFC 8785 "
          "canonical JSON), and each prev_hash is the hash of the line before (the first "
          "links to 64 zeros). Changing, removing or reordering any line breaks every "
          "later link. The first command checks every line; the second shows the "
          "computation by hand for line 1 (both printed values must be equal)."),
        (CUSTODY_PYTHON, CUSTODY_SHELL))


def verify_txt(stamps: list[TimestampCheck], title: str,
               sums_stamps: list[TimestampCheck] | None = None) -> str:
    out = [_("How to verify this dossier"), "=" * 40, "",
           _("Dossier: {title}").format(title=title), "",
           _("You need only standard tools: sha256sum (coreutils), openssl, and for the "
             "custody log python3 or jq."), ""]
    for step in steps(None, stamps, sums_stamps):
        out += [step.title, "-" * len(step.title), step.text, ""]
        for command in step.commands:  # flush left: pasted into a terminal as it is
            out += ["-" * 8, command, "-" * 8]
        out.append("")
    out += [_("The PDF ({name}) explains what each part of the bundle holds.").format(
        name=PDF), ""]
    return "\n".join(out)
