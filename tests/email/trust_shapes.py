"""Synthetic header shapes for the trust-model suites (no real people, no network).

The recipient is victim@example.net (border mx.example.net) unless a provider's own
shape is built. The attacker sends from 203.0.113.66 and forges support@bank.example.
"""

from __future__ import annotations

CRLF = "\r\n"
DATE = "Tue, 03 Mar 2026 22:15:07 +0100"

FORGED_BODY = (
    "From: Bank Support <support@bank.example>\r\n"
    "To: victim@example.net\r\n"
    "Subject: Your account\r\n"
    "Date: Tue, 03 Mar 2026 22:15:00 +0100\r\n"
    "Message-ID: <forged-1@bank.example>\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "Synthetic.\r\n"
)

REAL_HANDOVER = (
    "Received: from mail.attacker.example (mail.attacker.example [203.0.113.66])\r\n"
    "\tby mx.example.net (Postfix) with ESMTPS id 4Xy\r\n"
    f"\tfor <victim@example.net>; {DATE}\r\n"
)
DELIVERY = (
    "Received: from mx.example.net (mx.example.net [10.0.0.5])\r\n"
    f"\tby mailstore.example.net (Dovecot) with LMTP id 7Ab; {DATE}\r\n"
)
GENUINE_AR = ("Authentication-Results: mx.example.net; spf=pass "
              "smtp.mailfrom=bounce@attacker.example; dkim=none; "
              "dmarc=fail header.from=bank.example\r\n")
FAKE_AR = ("Authentication-Results: mx.example.net; spf=pass "
           "smtp.mailfrom=support@bank.example; dkim=pass header.d=bank.example; "
           "dmarc=pass header.from=bank.example\r\n")
FAKE_AR_NO_ID = ("Authentication-Results: spf=pass (sender IP is 198.51.100.7) "
                 "smtp.mailfrom=bank.example; dkim=pass (signature was verified) "
                 "header.d=bank.example;dmarc=pass action=none header.from=bank.example;"
                 "compauth=pass reason=100;\r\n")
FAKE_ARC = (
    "ARC-Seal: i=1; a=rsa-sha256; t=1772572500; cv=none; d=example.net; s=arc; b=AAAA\r\n"
    "ARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed; d=example.net; s=arc;"
    " h=from:to:subject; bh=AAAA; b=AAAA\r\n"
    "ARC-Authentication-Results: i=1; mx.example.net; spf=pass "
    "smtp.mailfrom=support@bank.example; dmarc=pass header.from=bank.example\r\n"
)
FAKE_SPF = ("Received-SPF: pass (mx.example.net: domain of support@bank.example designates "
            "198.51.100.7 as permitted sender) client-ip=198.51.100.7;\r\n")
FAKE_HOP = (
    "Received: from mail.bank.example (mail.bank.example [198.51.100.7])\r\n"
    f"\tby mx.example.net (Postfix) with ESMTPS id 1Qq; {DATE}\r\n"
)
FAKE_INTERNAL_HOP = (
    "Received: from relay.example.net (relay.example.net [10.9.9.9])\r\n"
    f"\tby mx.example.net (Postfix) with ESMTP id 2Rr; {DATE}\r\n"
)


def delivered(*below: str, top: str = "", handover: str = REAL_HANDOVER) -> bytes:
    """The recipient's lines on top, then the real hand-over, then what the sender wrote."""
    return (DELIVERY + top + handover + "".join(below) + FORGED_BODY).encode()


HELO_SPOOF = REAL_HANDOVER.replace("from mail.attacker.example (mail.attacker.example",
                                   "from mx2.example.net (mx2.example.net")
MS_SPOOF = (
    "Received: from mail.protection.outlook.com (203.0.113.66) by\r\n"
    " BN8NAM11FT012.mail.protection.outlook.com (10.13.177.100) with Microsoft SMTP\r\n"
    " Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id\r\n"
    f" 15.20.1.1 via Frontend Transport; {DATE}\r\n"
)
M365_TOP = (
    "Received: from DM6PR11MB1234.namprd11.prod.outlook.com (2603:10b6:5:1c0::12) by\r\n"
    " SN6PR11MB5678.namprd11.prod.outlook.com with HTTPS; " + DATE + "\r\n"
)

# name -> message; every one must never come out "authenticated".
FORGED: dict[str, bytes] = {
    "fake AR below the recipient's Received": delivered(FAKE_AR),
    "fake AR below, genuine AR above says dmarc=fail": delivered(FAKE_AR, top=GENUINE_AR),
    "inserted Return-Path, provider checked the attacker's envelope": delivered(
        "Return-Path: <support@bank.example>\r\n", top=GENUINE_AR),
    "inserted Return-Path and fake AR": delivered(
        "Return-Path: <support@bank.example>\r\n", FAKE_AR),
    "fake ARC set below": delivered(FAKE_ARC),
    "fake Received-SPF, fake hop and fake AR below": delivered(FAKE_AR, FAKE_SPF, FAKE_HOP),
    "fake internal hop with a private address below": delivered(FAKE_AR, FAKE_INTERNAL_HOP,
                                                                FAKE_HOP),
    "HELO in the recipient's domain, fake stack below": delivered(
        FAKE_AR, FAKE_SPF, FAKE_HOP, handover=HELO_SPOOF),
    "HELO in the recipient's domain, fake internal chain below": delivered(
        FAKE_ARC, FAKE_AR, FAKE_INTERNAL_HOP, FAKE_SPF, FAKE_HOP, handover=HELO_SPOOF),
    "AR without authserv-id below": delivered(FAKE_AR_NO_ID),
    "Microsoft-named HELO, fake Exchange AR below": (
        M365_TOP + MS_SPOOF + FAKE_AR_NO_ID + FAKE_SPF + FORGED_BODY).encode(),
    "Microsoft-named HELO, genuine Exchange AR above says fail": (
        M365_TOP + "Authentication-Results: spf=fail (sender IP is 203.0.113.66) "
        "smtp.mailfrom=bank.example; dkim=none (message not signed) header.d=none;"
        "dmarc=fail action=none header.from=bank.example;compauth=fail reason=000\r\n"
        + MS_SPOOF + FAKE_AR_NO_ID + FAKE_SPF + FAKE_HOP + FORGED_BODY).encode(),
    "Microsoft-named HELO over IPv6, genuine Exchange AR above": (
        M365_TOP + "Authentication-Results: spf=none (sender IP is 2001:db8::66) "
        "smtp.mailfrom=bank.example; dkim=none (message not signed) header.d=none;"
        "dmarc=none action=none header.from=bank.example;\r\n"
        + MS_SPOOF.replace("203.0.113.66", "2001:db8::66") + FAKE_AR_NO_ID + FAKE_SPF
        + FAKE_HOP + FORGED_BODY).encode(),
    "Microsoft-named HELO over IPv6 at an on-premises Exchange, fake AR below": (
        MS_SPOOF.replace("203.0.113.66", "2001:db8::66").replace(
            "BN8NAM11FT012.mail.protection.outlook.com", "mail.example.net").replace(
            "from mail.protection.outlook.com", "from mx2.example.net")
        + FAKE_AR_NO_ID + FAKE_SPF + FAKE_HOP + FORGED_BODY).encode(),
    "no Received line at all, AR without authserv-id": (FAKE_AR_NO_ID + FORGED_BODY).encode(),
    "no Received line at all, AR with the recipient's id": (FAKE_AR + FORGED_BODY).encode(),
    "only internal Received lines, AR above them": (
        FAKE_AR + DELIVERY + FORGED_BODY).encode(),
    "fake AR for another provider below": delivered(FAKE_AR.replace(
        "mx.example.net", "mx.google.com")),
    "AR with the recipient's id in the body-less header copy": delivered(
        FAKE_AR, FAKE_ARC, FAKE_SPF).split(b"\r\n\r\n")[0] + b"\r\n",
    "fake Received-SPF with the real IP and fake AR": delivered(
        FAKE_AR, FAKE_SPF.replace("198.51.100.7", "203.0.113.66")),
    "trailing-semicolon fake AR below": delivered(FAKE_AR.replace("\r\n", ";\r\n")),
    "fake AR folded over several lines below": delivered(
        FAKE_AR.replace("; ", ";\r\n\t")),
    "provider says SPF softfail, fake AR below says pass": delivered(
        FAKE_AR, top=GENUINE_AR.replace("spf=pass", "spf=softfail").replace(
            "dmarc=fail", "dmarc=none")),
}


GENUINE_BODY = (
    "From: Pat Suspect <pat.suspect@example.org>\r\n"
    "To: victim@{to}\r\n"
    "Subject: Synthetic genuine message\r\n"
    "Date: Tue, 03 Mar 2026 22:15:00 +0100\r\n"
    "Message-ID: <genuine-1@example.org>\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "Synthetic.\r\n"
)
GMAIL = (
    "Delivered-To: victim@gmail.com\r\n"
    "Received: by 2002:a05:6520:2f8b:b0:2a9:1234:5678 with SMTP id abc;\r\n"
    f"        {DATE}\r\n"
    "X-Received: by 2002:a17:906:1234:b0:a1:2345:6789 with SMTP id x1mr;\r\n"
    f"        {DATE}\r\n"
    "ARC-Seal: i=1; a=rsa-sha256; t=1772572507; cv=none; d=google.com; s=arc-20240605;"
    " b=AAAA\r\n"
    "ARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed; d=google.com;"
    " s=arc-20240605; h=from:to:subject; bh=AAAA; b=AAAA\r\n"
    "ARC-Authentication-Results: i=1; mx.google.com;\r\n"
    "       dkim=pass header.i=@example.org header.s=s1 header.b=abc;\r\n"
    "       spf=pass (google.com: domain of bounce@example.org designates 192.0.2.10 as"
    " permitted sender) smtp.mailfrom=bounce@example.org;\r\n"
    "       dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=example.org\r\n"
    "Return-Path: <bounce@example.org>\r\n"
    "Received: from mail.example.org (mail.example.org. [192.0.2.10])\r\n"
    "        by mx.google.com with ESMTPS id a1si123.2026.03.03.13.15.07\r\n"
    "        for <victim@gmail.com>\r\n"
    "        (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256);\r\n"
    f"        {DATE}\r\n"
    "Received-SPF: pass (google.com: domain of bounce@example.org designates 192.0.2.10"
    " as permitted sender) client-ip=192.0.2.10;\r\n"
    "Authentication-Results: mx.google.com;\r\n"
    "       dkim=pass header.i=@example.org header.s=s1 header.b=abc;\r\n"
    "       spf=pass (google.com: domain of bounce@example.org designates 192.0.2.10 as"
    " permitted sender) smtp.mailfrom=bounce@example.org;\r\n"
    "       dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=example.org\r\n"
) + GENUINE_BODY.format(to="gmail.com")


def microsoft(spf: str, dmarc: str) -> bytes:
    return (
        M365_TOP +
        "Received: from BN9PR03CA0123.namprd03.prod.outlook.com (2603:10b6:408:130::8) by\r\n"
        " DM6PR11MB1234.namprd11.prod.outlook.com (2603:10b6:5:1c0::12) with Microsoft SMTP\r\n"
        f" Server (version=TLS1_2) id 15.20.1.2; {DATE}\r\n"
        "Received: from BN8NAM11FT012.eop-nam11.prod.protection.outlook.com\r\n"
        " (2603:10b6:408:130:cafe::2) by BN9PR03CA0123.outlook.office365.com\r\n"
        " (2603:10b6:408:130::8) with Microsoft SMTP Server (version=TLS1_2) id 15.20.1.3\r\n"
        f" via Frontend Transport; {DATE}\r\n"
        f"Authentication-Results: spf={spf} (sender IP is 192.0.2.10)\r\n"
        " smtp.mailfrom=example.org; dkim=pass (signature was verified)\r\n"
        f" header.d=example.org;dmarc={dmarc} action=none\r\n"
        " header.from=example.org;compauth=pass reason=100;\r\n"
        "Received-SPF: Pass (protection.outlook.com: domain of example.org designates\r\n"
        " 192.0.2.10 as permitted sender) receiver=protection.outlook.com;\r\n"
        " client-ip=192.0.2.10; helo=mail.example.org; pr=C\r\n"
        "Received: from mail.example.org (192.0.2.10) by\r\n"
        " BN8NAM11FT012.mail.protection.outlook.com (10.13.177.100) with Microsoft SMTP\r\n"
        " Server (version=TLS1_3, cipher=TLS_AES_256_GCM_SHA384) id 15.20.1.4 via\r\n"
        f" Frontend Transport; {DATE}\r\n"
    ).encode() + GENUINE_BODY.format(to="outlook.com").encode()


ICLOUD = (
    "Received-SPF: pass (icloud.com: domain of bounce@example.org designates 192.0.2.10 as"
    " permitted sender) receiver=icloud.com; client-ip=192.0.2.10; helo=mail.example.org;"
    " envelope-from=bounce@example.org\r\n"
    "Authentication-Results: icloud.com; dmarc=pass header.from=example.org\r\n"
    "Authentication-Results: icloud.com; spf=pass smtp.mailfrom=example.org\r\n"
    "Received: from ms11p00im-smtpin007.mac.com ([17.172.84.240])\r\n"
    " by ms11p00im-qufv17090301.me.com (Oracle Communications Messaging Server)\r\n"
    f" with ESMTP id <0Q1@me.com> for victim@icloud.com; {DATE}\r\n"
    "Received: from mail.example.org (mail.example.org [192.0.2.10])\r\n"
    " by ms11p00im-smtpin007.mac.com (Oracle Communications Messaging Server)\r\n"
    f" with ESMTPS id <0Q0@mac.com> for victim@icloud.com; {DATE}\r\n"
) + GENUINE_BODY.format(to="icloud.com")

BOUNCE = (
    "Return-Path: <>\r\n"
    "Authentication-Results: mx.example.net; spf=pass smtp.mailfrom=<>\r\n"
    "    smtp.helo=mail.example.org\r\n"
    + REAL_HANDOVER.replace("mail.attacker.example", "mail.example.org").replace(
        "203.0.113.66", "192.0.2.10")
    + GENUINE_BODY.format(to="example.net").replace(
        "Pat Suspect <pat.suspect@example.org>", "Mail Delivery System "
        "<MAILER-DAEMON@mail.example.org>")
)
HELO_PASS = BOUNCE.replace("smtp.mailfrom=<>\r\n    ", "")
NO_RETURN_PATH = (
    "Authentication-Results: mx.example.net; spf=pass smtp.mailfrom=bounce@example.org;"
    " dmarc=pass header.from=example.org\r\n"
    + REAL_HANDOVER.replace("mail.attacker.example", "mail.example.org").replace(
        "203.0.113.66", "192.0.2.10")
    + GENUINE_BODY.format(to="example.net")
)

GENUINE: dict[str, bytes] = {
    "Gmail (ARC results above, A-R below its Received line)": GMAIL.encode(),
    "Microsoft 365 (no authserv-id, trailing ;)": microsoft("pass", "pass"),
    "iCloud with an internal hop": ICLOUD.encode(),
    "bounce with an empty Return-Path (SPF on HELO)": BOUNCE.encode(),
    "HELO pass only": HELO_PASS.encode(),
    "no Return-Path header, provider says aligned and dmarc=pass": NO_RETURN_PATH.encode(),
}
