"""Batches on a real Dask cluster over TLS: a scheduler and two workers started with
certificates made here (the cryptography package), on 127.0.0.1; a plain tcp:// scheduler
is refused unless --insecure; tasks receive paths and return counts, one per council."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from sendlib.cli import app
from sendlib.demo import generate_councils
from sendlib.ops import batch, cluster


def certificates(folder: Path) -> dict[str, Path]:
    """A CA and one certificate it signed for 127.0.0.1 (scheduler, workers and client)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.UTC)

    def name(text: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, text)])

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(name("sendlib test CA"))
        .issuer_name(name("sendlib test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    import ipaddress

    cert = (
        x509.CertificateBuilder()
        .subject_name(name("127.0.0.1"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = {"ca": folder / "ca.pem", "cert": folder / "cert.pem", "key": folder / "key.pem"}
    paths["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths["cert"].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths["key"].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    paths["key"].chmod(0o600)
    return paths


def tls_options(certs: dict[str, Path]) -> list[str]:
    return [
        "--tls-ca-file",
        str(certs["ca"]),
        "--tls-cert",
        str(certs["cert"]),
        "--tls-key",
        str(certs["key"]),
    ]


@pytest.fixture(scope="module")
def tls_cluster(tmp_path_factory):
    """``dask scheduler`` and two ``dask worker`` processes over TLS on 127.0.0.1."""
    folder = tmp_path_factory.mktemp("cluster")
    certs = certificates(folder)
    dask = [sys.executable, "-m", "dask"]
    env = {**os.environ, "SENDLIB_ID_KEY": "a-secret-the-workers-must-not-get"}
    env.pop("SENDLIB_ID_KEY")
    scheduler_file = folder / "scheduler.json"
    scheduler = subprocess.Popen(
        [
            *dask,
            "scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--protocol",
            "tls",
            "--no-dashboard",
            "--scheduler-file",
            str(scheduler_file),
            *tls_options(certs),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    processes = [scheduler]
    try:
        deadline = time.monotonic() + 60
        while not scheduler_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        address = json.loads(scheduler_file.read_text())["address"]
        assert address.startswith("tls://127.0.0.1:")
        for _ in range(2):
            processes.append(
                subprocess.Popen(
                    [
                        *dask,
                        "worker",
                        address,
                        "--nworkers",
                        "1",
                        "--nthreads",
                        "1",
                        "--host",
                        "127.0.0.1",
                        "--no-dashboard",
                        *tls_options(certs),
                    ],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        from distributed import Client

        with Client(address, security=cluster.security(address, *certs.values())) as client:
            client.wait_for_workers(2, timeout=60)
        yield address, certs
    finally:
        for process in processes:  # a test cluster: no need for a graceful close
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def councils(tmp_path_factory):
    """Three demo councils, LA002's plans.csv corrupt."""
    root = tmp_path_factory.mktemp("councils")
    generate_councils(root, 3, seed=7, end=pd.Period("2025-06", freq="M"))
    (root / "LA002" / "plans.csv").write_text("not,the,plans,file\n1,2,3,4\n")
    return root


@pytest.fixture(scope="module")
def batch_on_the_cluster(tls_cluster, councils, tmp_path_factory):
    """``sendlib batch`` of two months over the three councils on the TLS cluster."""
    address, certs = tls_cluster
    out = tmp_path_factory.mktemp("batch") / "out"
    result = CliRunner().invoke(
        app,
        ["batch", "--data-root", str(councils), "--months", "2025-05:2025-06", "--out", str(out),
         "--scheduler", address, *tls_options(certs)],
        terminal_width=250,
    )  # fmt: skip
    return result, out


@pytest.mark.slow
def test_a_batch_on_a_tls_cluster_reports_the_corrupt_council_and_renders_the_rest(
    batch_on_the_cluster,
):
    result, out = batch_on_the_cluster
    assert result.exit_code == 1, result.output
    assert "4 ok, 2 failed" in result.output
    assert "plans.csv" in result.output and "failed" in result.output
    for council in ("LA001", "LA003"):
        for month in ("2025-05", "2025-06"):
            assert len(pd.read_csv(out / council / month / "scorecard.csv")) > 0
            assert (out / council / month / "scorecard.xlsx").exists()
    assert not (out / "LA002").exists()
    attempts = (out / ".batch" / "attempts.log").read_text().splitlines()
    assert attempts.count("LA002 scorecards") == 2  # retried once
    assert attempts.count("LA001 scorecards") == 1  # one task for all its months


@pytest.mark.slow
def test_a_client_without_a_certificate_cannot_use_the_cluster(tls_cluster):
    import socket
    import ssl

    address, certs = tls_cluster
    host, port = address.removeprefix("tls://").rsplit(":", 1)
    # a client that trusts the cluster's CA but has no certificate of its own
    context = ssl.create_default_context(cafile=str(certs["ca"]))
    context.check_hostname = False
    with (
        socket.create_connection((host, int(port)), timeout=10) as raw,
        pytest.raises(ssl.SSLError, match="CERTIFICATE_REQUIRED"),
        context.wrap_socket(raw) as tls,
    ):
        tls.recv(1)  # TLS 1.3: the scheduler's refusal comes with the first read
    with pytest.raises(cluster.InsecureScheduler, match="--tls-cert, --tls-key"):
        cluster.security(address, certs["ca"], None, None)


@pytest.mark.slow
def test_a_plain_tcp_scheduler_is_refused_unless_insecure(councils, tmp_path):
    result = CliRunner().invoke(
        app,
        [
            "batch",
            "--data-root",
            str(councils),
            "--months",
            "2025-06",
            "--out",
            str(tmp_path),
            "--scheduler",
            "tcp://127.0.0.1:8786",
        ],
    )
    assert result.exit_code == 1
    assert "neither encrypted nor authenticated" in result.output
    assert cluster.security("tcp://10.0.0.5:8786", None, None, None, insecure=True) is None
    with pytest.raises(cluster.InsecureScheduler):
        cluster.security("10.0.0.5:8786", None, None, None)  # tcp by default


@pytest.mark.slow
def test_tasks_receive_paths_and_return_counts_one_per_council(councils, tmp_path):
    submitted = []

    class Recorder:
        def submit(self, fn, *args, **kwargs):
            submitted.append((fn, args))
            return len(submitted)

    months = [pd.Period("2025-05", freq="M"), pd.Period("2025-06", freq="M")]
    folders = batch.councils(councils)
    batch._submit_scorecards(
        Recorder(), folders, months, tmp_path, Path("params/kpis.yaml"), Path("params")
    )
    assert [fn for fn, _ in submitted] == [batch.council_task] * 3  # one task per council
    for _, args in submitted:
        assert all(
            isinstance(a, str) or (isinstance(a, list) and all(isinstance(x, str) for x in a))
            for a in args
        )
    fn, args = submitted[0]
    result = fn(args[0], ["2025-06"], *args[2:])
    assert result == json.loads(json.dumps(result))  # plain counts, nothing else
    assert set(result["months"]) == {"2025-06"} and result["months"]["2025-06"]["rows"] > 0


@pytest.mark.slow
def test_one_pass_over_all_months_gives_each_months_scorecard(batch_on_the_cluster, councils):
    from sendlib.data.load import check_data
    from sendlib.scorecard.build import build
    from sendlib.scorecard.catalogue import load_catalogue

    _, out = batch_on_the_cluster
    cat = load_catalogue("params/kpis.yaml")
    tables, _ = check_data(councils / "LA001", needed=cat.files_needed())
    for month in ("2025-05", "2025-06"):
        alone = build(tables, cat, pd.Period(month, freq="M"), 6)
        assert (out / "LA001" / month / "scorecard.csv").read_text() == alone.to_csv(
            index=False, float_format="%.10g", lineterminator="\n"
        )


@pytest.mark.slow
def test_an_existing_clusters_workers_are_started_as_sendlibs_own_by_the_batch(
    tls_cluster, batch_on_the_cluster
):
    from distributed import Client

    address, certs = tls_cluster

    def hidden():
        import sys

        return sys.modules.get("rfc3987_syntax", "not hidden")

    with Client(address, security=cluster.security(address, *certs.values())) as client:
        assert list(client.run(hidden).values()) == [None, None]  # as sendlib's command starts
