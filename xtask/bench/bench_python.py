"""One benchmark run of the official Python SDK, in a process of its own.
Run by `cargo xtask bench`; prints one JSON line like the Rust bench client.

    python bench_python.py BASE_URL OP ARGS...

OP: noop | upload PATH | upload-stream PATH | download ID OUT | download-stream ID OUT
    | metadata ID COUNT | list LIMIT | concurrent PATH COUNT
    | metadata-concurrent ID COUNT CONCURRENCY | upload-many DIR CONCURRENCY

The last two use AsyncAnthropic with an asyncio.Semaphore: at most CONCURRENCY
requests in flight.
"""

import asyncio
import json
import pathlib
import sys
import time

import anthropic


def report(started, pages=None):
    out = {"seconds": time.perf_counter() - started}
    if pages is not None:
        out["pages"] = pages
    print(json.dumps(out), flush=True)


def main():
    base_url, op, *rest = sys.argv[1:]
    client = anthropic.Anthropic(api_key="sk-bench", base_url=base_url, max_retries=0, timeout=600)
    files = client.files
    started = time.perf_counter()
    if op == "noop":
        report(started)
    elif op == "upload":  # the SDK's default path: it reads the whole file
        files.upload(file=pathlib.Path(rest[0]))
        report(started)
    elif op == "upload-stream":  # an open file object
        with open(rest[0], "rb") as handle:
            files.upload(file=(pathlib.Path(rest[0]).name, handle, "application/octet-stream"))
        report(started)
    elif op == "download":  # the default: the body in memory, then written
        files.download(rest[0]).write_to_file(rest[1])
        report(started)
    elif op == "download-stream":
        with files.with_streaming_response.download(rest[0]) as response:
            response.stream_to_file(rest[1])
        report(started)
    elif op == "metadata":
        files.retrieve_metadata(rest[0])  # warm the connection
        started = time.perf_counter()
        for _ in range(int(rest[1])):
            files.retrieve_metadata(rest[0])
        report(started)
    elif op == "list":
        pages = sum(1 for _ in files.list(limit=int(rest[0])).iter_pages())
        report(started, pages)
    elif op == "concurrent":
        path, count = pathlib.Path(rest[0]), int(rest[1])

        async def upload_all():
            async with anthropic.AsyncAnthropic(api_key="sk-bench", base_url=base_url, max_retries=0) as aclient:
                await asyncio.gather(*(aclient.files.upload(file=path) for _ in range(count)))

        started = time.perf_counter()
        asyncio.run(upload_all())
        report(started)
    elif op == "metadata-concurrent":
        file_id, count, concurrency = rest[0], int(rest[1]), int(rest[2])

        async def retrieve_all():
            gate = asyncio.Semaphore(concurrency)
            async with anthropic.AsyncAnthropic(api_key="sk-bench", base_url=base_url, max_retries=0) as aclient:

                async def one():
                    async with gate:
                        await aclient.files.retrieve_metadata(file_id)

                await asyncio.gather(*(one() for _ in range(count)))

        started = time.perf_counter()
        asyncio.run(retrieve_all())
        report(started)
    elif op == "upload-many":
        paths = sorted(p for p in pathlib.Path(rest[0]).iterdir() if p.is_file())
        concurrency = int(rest[1])

        async def upload_all():
            gate = asyncio.Semaphore(concurrency)
            async with anthropic.AsyncAnthropic(
                api_key="sk-bench", base_url=base_url, max_retries=0, timeout=600
            ) as aclient:

                async def one(path):
                    async with gate:
                        await aclient.files.upload(file=path)

                await asyncio.gather(*(one(p) for p in paths))

        started = time.perf_counter()
        asyncio.run(upload_all())
        report(started)
    else:
        raise SystemExit(f"unknown op {op}")


if __name__ == "__main__":
    main()
