#!/usr/bin/env python3
"""Screenshot one page in headless Chromium, driven over the DevTools pipe.

    shoot.py URL OUT.png [--wait SECONDS] [--width W --height H] [--local-storage KEY=JSON]...

Chromium's own --screenshot cannot be used for the Temporal UI: its pages keep a
history long-poll open, so --virtual-time-budget never runs out, and the list's columns
are chosen in localStorage, which no flag sets. Here the localStorage entries are written
before the page's scripts run, the page gets a fixed time to render, and the shot is
taken. Standard library only; the image is resized to fit --max-bytes with PIL when that
is installed.
"""
import argparse
import base64
import io
import json
import os
import subprocess
import sys
import tempfile
import time

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars", "--remote-debugging-pipe",
]


class Pipe:
    """The DevTools protocol over --remote-debugging-pipe: NUL-terminated JSON messages."""

    def __init__(self, to_chromium, from_chromium):
        self.w, self.r, self.next_id, self.buf = to_chromium, from_chromium, 0, b""

    def call(self, method, session=None, **params):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        os.write(self.w, json.dumps(msg).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def _read(self):
        while b"\0" not in self.buf:
            chunk = os.read(self.r, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)


def shoot(url, out, wait, width, height, storage, max_bytes):
    to_r, to_w = os.pipe()      # our commands: chromium reads fd 3
    from_r, from_w = os.pipe()  # its replies: chromium writes fd 4
    profile = tempfile.mkdtemp(prefix="shoot-profile-")

    def child_fds():
        # dup first: the pipe's own fds may be 3 or 4, and os.pipe's are close-on-exec.
        r, w = os.dup(to_r), os.dup(from_w)
        os.dup2(r, 3)
        os.dup2(w, 4)

    proc = subprocess.Popen(
        ["chromium", *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}", "about:blank"],
        close_fds=False, preexec_fn=child_fds, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(to_r)
    os.close(from_w)
    try:
        cdp = Pipe(to_w, from_r)
        target = next(t for t in cdp.call("Target.getTargets")["targetInfos"] if t["type"] == "page")
        session = cdp.call("Target.attachToTarget", targetId=target["targetId"], flatten=True)["sessionId"]
        cdp.call("Emulation.setDeviceMetricsOverride", session, width=width, height=height,
                 deviceScaleFactor=1, mobile=False)
        cdp.call("Page.enable", session)
        if storage:
            script = "".join(f"localStorage.setItem({json.dumps(k)}, {json.dumps(v)});" for k, v in storage)
            cdp.call("Page.addScriptToEvaluateOnNewDocument", session, source=script)
        cdp.call("Page.navigate", session, url=url)
        time.sleep(wait)
        png = base64.b64decode(cdp.call("Page.captureScreenshot", session, format="png")["data"])
        cdp.call("Browser.close")
    finally:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    with open(out, "wb") as f:
        f.write(fit(png, max_bytes))


def fit(png, max_bytes):
    """Shrinks the image until its PNG is at most max_bytes, when PIL is installed."""
    try:
        from PIL import Image
    except ImportError:
        return png
    img = Image.open(io.BytesIO(png)).convert("RGB")
    while True:
        buf = io.BytesIO()
        img.quantize(colors=256).save(buf, format="PNG", optimize=True)
        if buf.tell() <= max_bytes or img.width < 600:
            return buf.getvalue()
        img = img.resize((img.width * 9 // 10, img.height * 9 // 10), Image.LANCZOS)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("url")
    p.add_argument("out")
    p.add_argument("--wait", type=float, default=6, help="seconds the page gets to render")
    p.add_argument("--width", type=int, default=1400)
    p.add_argument("--height", type=int, default=900)
    p.add_argument("--max-bytes", type=int, default=300_000)
    p.add_argument("--local-storage", action="append", default=[], metavar="KEY=JSON",
                   help="a localStorage entry of the page's origin, set before its scripts run")
    a = p.parse_args()
    storage = [kv.split("=", 1) for kv in a.local_storage]
    shoot(a.url, a.out, a.wait, a.width, a.height, storage, a.max_bytes)


if __name__ == "__main__":
    sys.exit(main())
