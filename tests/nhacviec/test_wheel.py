"""nhacviec installs like a package: the wheel, installed (not editable) in a fresh virtual
environment, runs the demo from the plan it ships, with no checkout beside it."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

from tests.conftest import REPO_ROOT


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_wheel_runs_the_demo_in_a_fresh_environment(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "-q",
        "--no-deps",
        "--no-build-isolation",
        "-w",
        dist,
        REPO_ROOT,
        cwd=tmp_path,
    )
    wheel = next(dist.glob("nhacviec-*.whl"))

    fresh = tmp_path / "fresh"
    venv.create(fresh, with_pip=False)
    python = fresh / "bin" / "python"
    run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "-q",
        "--no-deps",
        wheel,
        cwd=tmp_path,
    )

    # The dependencies come from this environment's site-packages; nhacviec itself only from
    # the wheel: the checkout is not on the path and the editable install's hook is not read.
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": sysconfig.get_paths()["purelib"],
        "HOME": str(tmp_path),
    }
    where = run(python, "-c", "import nhacviec; print(nhacviec.__file__)", cwd=tmp_path, env=env)
    assert where.startswith(str(fresh)), where

    out = run(
        fresh / "bin" / "nhacviec",
        "demo",
        "--script",
        REPO_ROOT / "examples" / "demo.txt",
        cwd=tmp_path,
        env=env,
    )
    assert "Đã liên kết: Nguyễn Thị Hồng Nhung" in out
    assert "✅ Đã xác nhận hoàn thành nhiệm vụ 104 ngày 13/03/2023." in out
    assert "🟢 KHTC 9,5% (2/21) ổn" in out
