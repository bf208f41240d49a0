"""Drives the whole Files API lifecycle through the official Python SDK against
files-server, and asserts what the SDK sees: models, paging, downloads, and the
exception class of every error case.

Run by `cargo xtask conformance`, which installs the SDK into its own virtual
environment and starts the server (admin routes on behind a token, a 1 MiB file
limit):

    python conformance.py --base-url http://127.0.0.1:PORT --generation beta|ga --admin-token TOKEN
"""

import argparse
import json
import pathlib
import sys
import tempfile
import traceback
import urllib.request

import anthropic

MAX_FILE_SIZE = 1024 * 1024  # the server is started with this limit

passed = []
failed = []


def step(name):
    def wrap(fn):
        try:
            fn()
            passed.append(name)
            print(f"ok    {name}", flush=True)
        except Exception:  # noqa: BLE001 - every failure is reported, then counted
            failed.append(name)
            print(f"FAIL  {name}", flush=True)
            traceback.print_exc()
        return fn

    return wrap


def expect(exc_class, fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except exc_class as err:
        return err
    except Exception as err:  # noqa: BLE001
        raise AssertionError(f"expected {exc_class.__name__}, got {type(err).__name__}: {err}") from err
    raise AssertionError(f"expected {exc_class.__name__}, nothing was raised")


def admin_generated_file(base_url, admin_token, filename, content, mime_type):
    query = f"filename={filename}&mime_type={mime_type}"
    request = urllib.request.Request(
        f"{base_url}/_admin/v1/generated_files?{query}",
        data=content,
        method="POST",
        headers={"x-admin-token": admin_token},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--generation", choices=["beta", "ga"], required=True)
    parser.add_argument("--admin-token", required=True)
    args = parser.parse_args()
    base_url = args.base_url
    beta = args.generation == "beta"

    client = anthropic.Anthropic(api_key="sk-conformance", base_url=base_url, max_retries=0, timeout=30)
    files = client.beta.files if beta else client.files
    print(f"anthropic {anthropic.__version__}, {args.generation} generation, {base_url}", flush=True)
    state = {}

    @step("upload from bytes")
    def _():
        meta = files.upload(file=("bytes.txt", b"hello from bytes", "text/plain"))
        assert meta.type == "file", meta
        assert meta.filename == "bytes.txt" and meta.size_bytes == 16, meta
        assert meta.mime_type == "text/plain", meta
        assert meta.downloadable is False, meta
        state["bytes"] = meta

    @step("upload from a path")
    def _():
        with tempfile.TemporaryDirectory() as tmp:
            path = pathlib.Path(tmp) / "from-path.pdf"
            path.write_bytes(b"%PDF-1.7 conformance")
            meta = files.upload(file=path)
        assert meta.filename == "from-path.pdf", meta
        assert meta.size_bytes == 20, meta
        assert meta.mime_type == "application/pdf", meta
        state["path"] = meta

    @step("upload from a (filename, content, mime) tuple")
    def _():
        meta = files.upload(file=("tuple.json", b'{"a": 1}', "application/json"))
        assert (meta.filename, meta.mime_type, meta.size_bytes) == ("tuple.json", "application/json", 8), meta
        state["tuple"] = meta

    @step("retrieve_metadata")
    def _():
        for key in ("bytes", "path", "tuple"):
            got = files.retrieve_metadata(state[key].id)
            assert got.id == state[key].id and got.filename == state[key].filename, got
            assert got.created_at == state[key].created_at, got

    @step("list: auto-paging forwards over several pages")
    def _():
        uploaded = [state["bytes"].id, state["path"].id, state["tuple"].id]
        for i in range(4):
            uploaded.append(files.upload(file=(f"page-{i}.txt", b"x", "text/plain")).id)
        state["uploaded"] = uploaded
        first = files.list(limit=3)
        assert len(first.data) == 3 and first.has_next_page(), first
        seen = [f.id for f in files.list(limit=3)]
        assert seen == list(reversed(uploaded)), (seen, uploaded)
        pages = list(files.list(limit=3).iter_pages())
        assert len(pages) == 3, len(pages)

    if beta:

        @step("list: auto-paging backwards with before_id")
        def _():
            uploaded = state["uploaded"]
            seen = [f.id for f in files.list(before_id=uploaded[0], limit=2)]
            assert sorted(seen) == sorted(uploaded[1:]), (seen, uploaded)
            assert len(seen) == len(uploaded) - 1

    else:

        @step("list: by ids (one page, unknown ids left out)")
        def _():
            uploaded = state["uploaded"]
            page = files.list(ids=[uploaded[1], uploaded[4], "file_unknown"])
            assert [f.id for f in page.data] == [uploaded[4], uploaded[1]], page.data
            assert not page.has_next_page()

        @step("upload with expires_in_seconds")
        def _():
            meta = files.upload(file=("expiring.txt", b"e", "text/plain"), expires_in_seconds=3600)
            assert meta.expires_at is not None, meta

    @step("download a generated file (plain response)")
    def _():
        content = bytes(range(256)) * 1024
        generated = admin_generated_file(base_url, args.admin_token, "generated.bin", content, "application/octet-stream")
        state["generated"] = (generated["id"], content)
        meta = files.retrieve_metadata(generated["id"])
        assert meta.downloadable is True, meta
        response = files.download(generated["id"])
        assert response.read() == content
        assert response.headers["content-length"] == str(len(content))

    @step("download a generated file (streaming response)")
    def _():
        file_id, content = state["generated"]
        with files.with_streaming_response.download(file_id) as response:
            received = b"".join(response.iter_bytes())
        assert received == content
        with tempfile.TemporaryDirectory() as tmp:
            target = pathlib.Path(tmp) / "out.bin"
            with files.with_streaming_response.download(file_id) as response:
                response.stream_to_file(target)
            assert target.read_bytes() == content

    @step("download an uploaded file -> BadRequestError")
    def _():
        err = expect(anthropic.BadRequestError, files.download, state["bytes"].id)
        assert err.status_code == 400
        assert err.response.headers.get("request-id"), "request-id header"
        if not beta:
            body = err.body.get("error", err.body)  # SDK versions differ in what `body` holds
            assert body["details"]["error_code"] == "file_not_downloadable", err.body

    @step("delete")
    def _():
        deleted = files.delete(state["tuple"].id)
        assert deleted.id == state["tuple"].id and deleted.type == "file_deleted", deleted
        expect(anthropic.NotFoundError, files.retrieve_metadata, state["tuple"].id)

    @step("unknown id -> NotFoundError")
    def _():
        err = expect(anthropic.NotFoundError, files.retrieve_metadata, "file_does_not_exist")
        assert err.status_code == 404 and err.request_id, err

    @step("missing key -> AuthenticationError")
    def _():
        err = expect(
            anthropic.AuthenticationError,
            files.list,
            extra_headers={"X-Api-Key": anthropic.Omit(), "Authorization": anthropic.Omit()},
        )
        assert err.status_code == 401

    @step("bad filename -> BadRequestError")
    def _():
        err = expect(anthropic.BadRequestError, files.upload, file=("bad:name.txt", b"x", "text/plain"))
        assert "filename" in str(err), err

    @step("oversize -> RequestTooLargeError (413)")
    def _():
        err = expect(anthropic.RequestTooLargeError, files.upload, file=("big.bin", b"\0" * (MAX_FILE_SIZE + 1)))
        assert err.status_code == 413

    print(f"{len(passed)} passed, {len(failed)} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
