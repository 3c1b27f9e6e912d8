"""SQL migrations of the organisation's server (PostgreSQL), applied in order, each once.

The server holds ciphertext and routing data only: no title, name, file name or message
text is ever a column here in clear (titles, purposes and records are bytes the server
cannot open). Applied under an advisory lock, so several API and worker processes may
start at once.
"""

from __future__ import annotations

MIGRATIONS: list[tuple[str, str]] = [
    ("0001_core", """
CREATE TABLE accounts (
    id uuid PRIMARY KEY,
    box_public bytea NOT NULL,
    verify_public bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE orgs (
    id uuid PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE org_roles (
    org_id uuid NOT NULL REFERENCES orgs,
    account_id uuid NOT NULL REFERENCES accounts,
    role text NOT NULL CHECK (role IN ('admin', 'caseworker', 'auditor', 'client')),
    PRIMARY KEY (org_id, account_id, role)
);
CREATE TABLE cases (
    id uuid PRIMARY KEY,
    org_id uuid NOT NULL REFERENCES orgs,
    title bytea NOT NULL,
    epoch integer NOT NULL DEFAULT 0,
    last_seq bigint NOT NULL DEFAULT 0,
    chain_len bigint NOT NULL DEFAULT 0,
    chain_head bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cases_org ON cases (org_id);
CREATE TABLE epochs (
    case_id uuid NOT NULL REFERENCES cases,
    epoch integer NOT NULL,
    dropbox_public bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (case_id, epoch)
);
CREATE TABLE memberships (
    case_id uuid NOT NULL REFERENCES cases,
    account_id uuid NOT NULL REFERENCES accounts,
    role text NOT NULL CHECK (role IN ('owner', 'advocate', 'contributor', 'lawyer')),
    purpose bytea NOT NULL,
    expires_at timestamptz,
    granted_by uuid REFERENCES accounts,
    granted_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz,
    PRIMARY KEY (case_id, account_id)
);
CREATE INDEX memberships_account ON memberships (account_id);
CREATE INDEX memberships_expiry ON memberships (expires_at) WHERE revoked_at IS NULL;
CREATE TABLE wrapped_keys (
    case_id uuid NOT NULL REFERENCES cases,
    account_id uuid NOT NULL REFERENCES accounts,
    epoch integer NOT NULL,
    wrapped bytea NOT NULL,
    PRIMARY KEY (case_id, account_id, epoch)
);
CREATE TABLE records (
    case_id uuid NOT NULL REFERENCES cases,
    seq bigint NOT NULL,
    record_id uuid NOT NULL,
    epoch integer NOT NULL,
    author uuid NOT NULL REFERENCES accounts,
    body bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (case_id, seq),
    UNIQUE (case_id, record_id)
);
CREATE TABLE chain (
    case_id uuid NOT NULL REFERENCES cases,
    pos bigint NOT NULL,
    signer uuid REFERENCES accounts,
    body bytea NOT NULL,
    signature bytea NOT NULL,
    hash bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (case_id, pos)
);
CREATE TABLE blobs (
    case_id uuid NOT NULL REFERENCES cases,
    blob_id uuid NOT NULL,
    object_key text NOT NULL UNIQUE,
    author uuid NOT NULL REFERENCES accounts,
    upload_id text,
    size bigint,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (case_id, blob_id)
);
CREATE TABLE blob_parts (
    case_id uuid NOT NULL,
    blob_id uuid NOT NULL,
    part integer NOT NULL,
    etag text NOT NULL,
    size bigint NOT NULL,
    PRIMARY KEY (case_id, blob_id, part),
    FOREIGN KEY (case_id, blob_id) REFERENCES blobs
);
CREATE TABLE challenges (
    nonce bytea PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts,
    expires_at timestamptz NOT NULL
);
CREATE TABLE tokens (
    token_hash bytea PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts,
    expires_at timestamptz NOT NULL
);
CREATE TABLE notices (
    account_id uuid NOT NULL REFERENCES accounts,
    case_id uuid NOT NULL REFERENCES cases,
    latest_seq bigint NOT NULL,
    PRIMARY KEY (account_id, case_id)
);
"""),
    ("0002_invitations", """
CREATE TABLE invitations (
    code_hash bytea PRIMARY KEY,
    org_id uuid NOT NULL REFERENCES orgs,
    role text NOT NULL CHECK (role IN ('admin', 'caseworker', 'auditor', 'client')),
    made_by uuid NOT NULL REFERENCES accounts,
    expires_at timestamptz NOT NULL
);
"""),
    ("0003_dropbox", """
CREATE TABLE drop_grants (
    id uuid PRIMARY KEY,
    case_id uuid NOT NULL REFERENCES cases,
    granted_by uuid NOT NULL REFERENCES accounts,
    pairing_key bytea NOT NULL,
    purpose bytea NOT NULL,
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz,
    device_key bytea,
    token_hash bytea UNIQUE,
    paired_at timestamptz
);
CREATE INDEX drop_grants_case ON drop_grants (case_id);
CREATE TABLE drops (
    case_id uuid NOT NULL REFERENCES cases,
    upload_id uuid NOT NULL,
    grant_id uuid NOT NULL REFERENCES drop_grants,
    epoch integer NOT NULL,
    object_key text NOT NULL UNIQUE,
    s3_upload text,
    meta bytea,
    size bigint,
    created_at timestamptz NOT NULL DEFAULT now(),
    dropped_at timestamptz,
    PRIMARY KEY (case_id, upload_id)
);
CREATE TABLE drop_parts (
    case_id uuid NOT NULL,
    upload_id uuid NOT NULL,
    part integer NOT NULL,
    etag text NOT NULL,
    size bigint NOT NULL,
    PRIMARY KEY (case_id, upload_id, part),
    FOREIGN KEY (case_id, upload_id) REFERENCES drops
);
"""),
    ("0005_server_capture", """
CREATE TABLE server_watches (
    id uuid PRIMARY KEY,
    case_id uuid NOT NULL REFERENCES cases,
    created_by uuid NOT NULL REFERENCES accounts,
    grant_id uuid NOT NULL REFERENCES drop_grants,
    sealed bytea NOT NULL,
    every_seconds integer NOT NULL,
    next_at timestamptz NOT NULL,
    paused boolean NOT NULL DEFAULT false,
    removed_at timestamptz,
    failures integer NOT NULL DEFAULT 0,
    last_run_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX server_watches_due ON server_watches (next_at)
    WHERE removed_at IS NULL AND NOT paused;
CREATE TABLE server_captures (
    id uuid PRIMARY KEY,
    case_id uuid NOT NULL REFERENCES cases,
    requested_by uuid NOT NULL REFERENCES accounts,
    grant_id uuid NOT NULL REFERENCES drop_grants,
    watch_id uuid REFERENCES server_watches,
    sealed bytea NOT NULL,
    status text NOT NULL DEFAULT 'queued',
    attempts integer NOT NULL DEFAULT 0,
    error text,
    upload_id uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX server_captures_case ON server_captures (case_id, created_at);
CREATE TABLE capture_sites (
    site bytea PRIMARY KEY,
    next_at timestamptz NOT NULL
);
"""),
    ("0006_drop_quota", """
ALTER TABLE drops ADD COLUMN declared_size bigint;
CREATE INDEX drops_grant ON drops (grant_id);
CREATE INDEX drops_unfinished ON drops (created_at) WHERE size IS NULL;
"""),
    ("0007_logins", """
CREATE TABLE passkeys (
    credential_id bytea PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts,
    public_key bytea NOT NULL,
    sign_count bigint NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    used_at timestamptz
);
CREATE INDEX passkeys_account ON passkeys (account_id);
CREATE TABLE login_steps (
    key_hash bytea PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('passkey_enrol', 'passkey_register',
                                       'passkey_login', 'oidc_link', 'oidc_state')),
    account_id uuid REFERENCES accounts,
    org_id uuid REFERENCES orgs,
    data bytea NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE TABLE oidc_links (
    issuer text NOT NULL,
    subject text NOT NULL,
    account_id uuid NOT NULL REFERENCES accounts,
    org_id uuid NOT NULL REFERENCES orgs,
    linked_by uuid NOT NULL REFERENCES accounts,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (issuer, subject)
);
"""),
]
