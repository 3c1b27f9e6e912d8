"""The Windows registration of the host (a .reg file for ``reg import``): one key per
browser under HKEY_CURRENT_USER whose default value is the host manifest's full path,
escaped as regedit reads it; the manifest itself names a Windows launcher."""

from __future__ import annotations

import configparser
import json

from spoorvast.cli.browser_host import host_manifest, windows_registration
from spoorvast.services.browser_host import FIREFOX_ID, HOST_NAME

FOLDER = r"C:\Users\Anna Example\AppData\Local\spoorvast\hosts"


def _read_reg(text: str) -> dict[str, str]:
    """Each key with its default value, unescaped as regedit does."""
    head, _, body = text.partition("\r\n")
    assert head == "Windows Registry Editor Version 5.00"
    parser = configparser.ConfigParser(delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(body.replace("\r\n", "\n"))
    found = {}
    for key in parser.sections():
        raw = parser[key]["@"]
        assert raw.startswith('"') and raw.endswith('"')
        found[key] = raw[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return found


def test_each_browser_key_names_its_manifest() -> None:
    manifests = {b: rf"{FOLDER}\{b}\{HOST_NAME}.json"
                 for b in ("chromium", "chrome", "edge", "brave", "firefox")}
    text = windows_registration(manifests)
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    keys = _read_reg(text)
    base = "HKEY_CURRENT_USER\\Software\\{}\\NativeMessagingHosts\\" + HOST_NAME
    assert keys == {base.format("Chromium"): manifests["chromium"],
                    base.format("Google\\Chrome"): manifests["chrome"],  # Brave's too
                    base.format("Microsoft\\Edge"): manifests["edge"],
                    base.format("Mozilla"): manifests["firefox"]}


def test_a_quote_in_a_path_is_escaped() -> None:
    path = FOLDER + r'\odd"name\host.json'
    assert _read_reg(windows_registration({"edge": path})) == {
        f"HKEY_CURRENT_USER\\Software\\Microsoft\\Edge\\NativeMessagingHosts\\{HOST_NAME}":
            path}


def test_the_manifest_text_for_windows_names_the_launcher_and_the_add_on() -> None:
    from pathlib import PureWindowsPath

    launcher = PureWindowsPath(FOLDER) / "native-host.bat"
    text = json.dumps(host_manifest("firefox", launcher))  # type: ignore[arg-type]
    manifest = json.loads(text)
    assert manifest["path"] == FOLDER + "\\native-host.bat"
    assert manifest["allowed_extensions"] == [FIREFOX_ID]
    assert manifest["name"] == HOST_NAME and manifest["type"] == "stdio"
