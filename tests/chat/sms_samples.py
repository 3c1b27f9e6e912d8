"""Synthetic "SMS Backup & Restore" files (invented numbers and names), in the shape the
Android app writes: XML declaration, a comment, a root with ``count``, one element per
record with ``null`` for missing values and ``readable_date`` in the phone's locale."""

from __future__ import annotations

import base64

HEADER = ("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
          "<!--File Created By SMS Backup & Restore v10.20.002 on 05/03/2026 10:00:00-->\n")
PIXEL = base64.b64encode(b"\x89PNG\r\n\x1a\nfakepng").decode()


def sms(date_ms: int, kind: int, address: str, body: str, readable: str,
        contact: str = "null") -> str:
    return (f'  <sms protocol="0" address="{address}" date="{date_ms}" type="{kind}" '
            f'subject="null" body="{body}" toa="null" sc_toa="null" service_center="null" '
            f'read="1" status="-1" locked="0" date_sent="{date_ms - 2000}" sub_id="1" '
            f'readable_date="{readable}" contact_name="{contact}" />\n')


def mms(date_ms: int, box: int, sender: str, text: str, readable: str,
        data: str = PIXEL) -> str:
    return (f'  <mms date="{date_ms}" ct_t="application/vnd.wap.multipart.related" '
            f'msg_box="{box}" address="{sender}" sub="null" readable_date="{readable}" '
            f'contact_name="Jan">\n    <parts>\n'
            '      <part seq="-1" ct="application/smil" name="null" text="&lt;smil/&gt;" />\n'
            f'      <part seq="0" ct="text/plain" name="null" cl="text0.txt" text="{text}" />\n'
            f'      <part seq="1" ct="image/png" name="null" cl="image0.png" data="{data}" />\n'
            '    </parts>\n    <addrs>\n'
            f'      <addr address="{sender}" type="137" charset="106" />\n'
            '      <addr address="+32471987654" type="151" charset="106" />\n'
            '    </addrs>\n  </mms>\n')


# 2026-03-04 21:15:07 UTC = 22:15:07 in Brussels (UTC+1)
T0 = 1772658907000

SMS_FILE = (HEADER + '<smses count="5" backup_set="0b5c" backup_date="1772701200000" '
            'type="full">\n'
            + sms(T0, 1, "+32470123456", "Waar is mijn g&#233;ld&#10;nu", "4 mrt. 2026 22:15:07",
                  "Jan")
            + sms(T0 + 60_000, 2, "0470 12 34 56", "Laat me met rust", "4 mrt. 2026 22:16:07",
                  "Jan")
            + sms(T0 + 120_000, 1, "+32470123456", "Ik zie je", "Mar 4, 2026 3:17:07 PM",
                  "Jan")
            + mms(T0 + 180_000, 1, "+32470123456", "foto", "4 mrt. 2026 22:18:07")
            + '  <sms protocol="0" address="+32470123456" date="not-a-date" type="1" '
              'body="kapot" readable_date="null" contact_name="Jan" />\n'
            + "</smses>\n")

SMS_EXPECTED = {"read": 5, "events": 4, "problems": 1, "agree": 3, "differ": 1}

CALLS_FILE = (HEADER + '<calls count="5" backup_set="0b5c" backup_date="1772701200000" '
              'type="full">\n'
              '  <call number="+32470123456" duration="75" date="1772658907000" type="1" '
              'presentation="1" subscription_id="1" post_dial_digits="" '
              'readable_date="04.03.2026 22:15:07" contact_name="Jan" />\n'
              '  <call number="0470123456" duration="0" date="1772662507000" type="3" '
              'presentation="1" readable_date="04.03.2026 23:15:07" contact_name="Jan" />\n'
              '  <call number="+32471987654" duration="12" date="1772666107000" type="2" '
              'presentation="1" readable_date="05.03.2026 00:15:07" contact_name="(Unknown)" />\n'
              '  <call number="" duration="0" date="1772669707000" type="5" presentation="2" '
              'readable_date="05.03.2026 01:15:07" contact_name="null" />\n'
              "</calls>\n")

CALLS_EXPECTED = {"read": 4, "events": 4, "problems": 0,
                  "directions": ["in", "missed", "out", "rejected"]}

BILLION_LAUGHS = ("<?xml version='1.0'?>\n<!DOCTYPE smses [\n"
                  ' <!ENTITY a "aaaaaaaaaa">\n'
                  ' <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n'
                  ' <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">\n'
                  ' <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">\n]>\n'
                  '<smses count="1">\n'
                  '  <sms address="+32470123456" date="1772658907000" type="1" body="&d;" />\n'
                  "</smses>\n")

EXTERNAL_ENTITY = ("<?xml version='1.0'?>\n"
                   '<!DOCTYPE smses [ <!ENTITY x SYSTEM "file:///etc/passwd"> ]>\n'
                   '<smses count="1">\n'
                   '  <sms address="+32470123456" date="1772658907000" type="1" body="&x;" />\n'
                   "</smses>\n")
