"""The browser extension's side of spoorvast: ``spoorvast browser install-host``, the
native messaging host itself (``python -m spoorvast.cli.browser_host``, started by the
browser), and the sealing of what the extension left in the inbox when a command opens
the vault.

``install-host`` writes, for each browser, a host manifest that names a small launcher
script and allows only the pinned extension (Chromium-family: ``allowed_origins``;
Firefox: ``allowed_extensions``). The launcher names the vault and this Python; it holds
no secret. The host checks the caller the browser names again, and refuses any other.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
from pathlib import Path
from typing import Annotated

import platformdirs
import typer

from spoorvast.capture import nativemsg
from spoorvast.cli import context, output
from spoorvast.errors import UserError
from spoorvast.i18n import _, ngettext
from spoorvast.services import browser_host
from spoorvast.storage import inbox
from spoorvast.storage import vault as vaultlib

LAUNCHER = "native-host"
# where each browser looks for a user's host manifests (Linux, macOS)
LINUX = {"chromium": ".config/chromium", "chrome": ".config/google-chrome",
         "edge": ".config/microsoft-edge", "brave": ".config/BraveSoftware/Brave-Browser",
         "firefox": ".mozilla"}
MACOS = {"chromium": "Library/Application Support/Chromium",
         "chrome": "Library/Application Support/Google/Chrome",
         "edge": "Library/Application Support/Microsoft Edge",
         "brave": "Library/Application Support/BraveSoftware/Brave-Browser",
         "firefox": "Library/Application Support/Mozilla"}
BROWSERS = tuple(LINUX)
# Windows: a browser finds a host's manifest through a registry key (per user, no
# administrator needed) whose default value is the manifest's full path. Chromium,
# Chrome, Edge and Firefox each read their own key; Brave is reported to read Chrome's
# (not verified on Windows here).
WINDOWS_KEYS = {"chromium": r"Software\Chromium", "chrome": r"Software\Google\Chrome",
                "edge": r"Software\Microsoft\Edge", "brave": r"Software\Google\Chrome",
                "firefox": r"Software\Mozilla"}


def manifest_dir(browser: str, home: Path) -> Path:
    table = MACOS if sys.platform == "darwin" else LINUX
    sub = "NativeMessagingHosts" if browser != "firefox" or sys.platform == "darwin" \
        else "native-messaging-hosts"
    return home / table[browser] / sub


def host_manifest(browser: str, launcher: Path) -> dict[str, object]:
    manifest: dict[str, object] = {
        "name": browser_host.HOST_NAME,
        "description": "spoorvast: seal captures made in this browser into the vault",
        "path": str(launcher), "type": "stdio"}
    if browser == "firefox":
        manifest["allowed_extensions"] = [browser_host.FIREFOX_ID]
    else:
        manifest["allowed_origins"] = [f"chrome-extension://{browser_host.EXTENSION_ID}/"]
    return manifest


def windows_registration(manifests: dict[str, str]) -> str:
    """The text of a ``.reg`` file (``reg import``) that registers, for each browser, the
    host manifest at its full Windows path; a key two browsers share is written once,
    for the first of them. Not yet written by ``install-host`` (no Windows launcher)."""
    lines = ["Windows Registry Editor Version 5.00", ""]
    done = set()
    for browser, path in manifests.items():
        key = (f"HKEY_CURRENT_USER\\{WINDOWS_KEYS[browser]}\\NativeMessagingHosts\\"
               f"{browser_host.HOST_NAME}")
        if key in done:
            continue
        done.add(key)
        value = path.replace("\\", "\\\\").replace('"', '\\"')
        lines += [f"[{key}]", f'@="{value}"', ""]
    return "\r\n".join(lines)


def write_launcher(folder: Path, vault_root: Path) -> Path:
    """A launcher script: the browser starts it with the caller as argument."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    package_parent = Path(__file__).resolve().parents[2]
    script = ("#!/bin/sh\n# spoorvast native messaging host (no secret in here)\n"
              f"SPOORVAST_VAULT={shlex.quote(str(vault_root))} "
              f"PYTHONPATH={shlex.quote(str(package_parent))} "
              f"exec {shlex.quote(sys.executable)} -m spoorvast.cli.browser_host \"$@\"\n")
    path = folder / LAUNCHER
    path.write_text(script, encoding="utf-8")
    os.chmod(path, 0o700)
    return path


def install(vault_root: Path, home: Path, browsers: tuple[str, ...],
            extra_dirs: tuple[Path, ...] = ()) -> list[Path]:
    launcher = write_launcher(platformdirs.user_data_path("spoorvast"), vault_root)
    written = []
    targets = [(b, manifest_dir(b, home)) for b in browsers]
    targets += [("chromium", d / "NativeMessagingHosts") for d in extra_dirs]
    for browser, folder in targets:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{browser_host.HOST_NAME}.json"
        path.write_text(json.dumps(host_manifest(browser, launcher), indent=2) + "\n",
                        encoding="utf-8")
        written.append(path)
    return written


def install_host(
    ctx: typer.Context,
    browser: Annotated[list[str] | None, typer.Option(
        "--browser", help=_("Only for this browser: chromium, chrome, edge, brave or "
                            "firefox (repeatable). Default: all of them."))] = None,
    profile_dir: Annotated[list[Path] | None, typer.Option(
        "--profile-dir", help=_("Also for a Chromium profile folder started with "
                                "--user-data-dir (repeatable)."))] = None,
) -> None:
    if sys.platform.startswith("win"):
        raise UserError(_("Installing the browser host on Windows is not supported yet."))
    chosen = tuple(browser or BROWSERS)
    unknown = [b for b in chosen if b not in BROWSERS]
    if unknown:
        raise UserError(_("Unknown browser {name}: choose chromium, chrome, edge, brave or "
                          "firefox.").format(name=unknown[0]))
    with context.open_vault(ctx) as vault:  # makes the inbox keys, seals what waits
        root = vault.root
    for path in install(root.resolve(), Path.home(), chosen, tuple(profile_dir or ())):
        output.line(_("Browser host installed: {path}").format(path=path))
    output.info(_("Now load the extension (the folder 'extension' of spoorvast) in your "
                  "browser; see the README."))


def serve(
    ctx: typer.Context,
    port: Annotated[int, typer.Option("--port", help=_(
        "The port on 127.0.0.1 to listen on."))] = 17823,
) -> None:
    from spoorvast.cli import browser_http

    root = context.vault_path(ctx)
    inbox.public_key(root)  # a vault with an inbox (no passphrase is needed to add)
    try:
        httpd, state = browser_http.server(root, port)
    except OSError as exc:
        raise UserError(_("Port {port} on 127.0.0.1 cannot be used ({error}); choose "
                          "another with --port.").format(port=port, error=exc.strerror)
                        ) from exc
    output.line(_("Listening on 127.0.0.1:{port} for the spoorvast extension. Pairing "
                  "code (one use, 10 minutes): {code}").format(port=state.port,
                                                              code=state.code))
    output.info(_("Enter the port and the code in the extension's popup (Pair). Stop "
                  "with Ctrl+C; 'spoorvast browser unpair' revokes every pairing."))
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()
        browser_http.abandon_all(state)


def unpair(ctx: typer.Context) -> None:
    count = inbox.revoke_tokens(context.vault_path(ctx))
    output.line(ngettext("{count} pairing revoked.", "{count} pairings revoked.", count)
                .format(count=count))


# -- at each unlock of the CLI -----------------------------------------------------------


def drain_at_open(vault: vaultlib.Vault) -> None:
    """Seal what the extension left in the inbox (a writable open of a command)."""
    try:
        inbox.ensure_keys(vault.root, vault.keyring)
        if not inbox.entries(vault.root):
            return
        from spoorvast.services.browser_capture import drain  # loads the capture code

        drained = drain(vault)
    except UserError as exc:  # the inbox stays as it is; the command itself goes on
        output.error(exc.message)
        return
    if drained.sealed:
        output.info(ngettext(
            "{count} capture made in your browser was sealed from the inbox: {labels}.",
            "{count} captures made in your browser were sealed from the inbox: {labels}.",
            len(drained.sealed)).format(count=len(drained.sealed),
                                        labels=", ".join(s.label for s in drained.sealed)))
    for path in drained.set_aside:
        output.error(_("An inbox entry could not be read and was set aside, unchanged: "
                      "{path}").format(path=path))


def mention_waiting(vault: vaultlib.Vault) -> None:
    """A read-only command cannot seal: say that captures wait, and what seals them."""
    waiting = len(inbox.entries(vault.root))
    if waiting:
        output.info(ngettext(
            "{count} capture made in your browser waits in the inbox; the next command "
            "that changes the vault (or unlocking it in 'spoorvast ui') seals it.",
            "{count} captures made in your browser wait in the inbox; the next command "
            "that changes the vault (or unlocking it in 'spoorvast ui') seals them.",
            waiting).format(count=waiting))


# -- the host process ----------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Run as the native messaging host (stdin/stdout belong to the browser)."""
    args = sys.argv[1:] if argv is None else argv
    source, sink = nativemsg.stdio()
    if not browser_host.allowed(nativemsg.caller_of(args)):
        nativemsg.write_message(sink, {"type": "error", "code": "refused"})
        return 3
    receiver = browser_host.Receiver(vaultlib.default_location())
    try:
        while (message := nativemsg.read_message(source)) is not None:
            reply = receiver.handle(message)
            if reply is not None:
                nativemsg.write_message(sink, reply)
    except nativemsg.FramingError:
        nativemsg.write_message(sink, {"type": "error", "code": "bad-message"})
        return 4
    finally:
        receiver.abandon()
    return 0


if __name__ == "__main__":
    sys.exit(main())
