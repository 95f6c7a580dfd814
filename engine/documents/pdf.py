"""PDF through LibreOffice headless (Debian: libreoffice-writer, fonts-wqy-zenhei). Several files
go through one soffice start, which costs seconds; each call uses its own LibreOffice profile so
conversions in parallel processes do not lock each other out."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from engine.documents.files import GeneratedFile
from engine.errors import PingxuanError

TIMEOUT_SECONDS = 600


class PdfUnavailable(PingxuanError):
    code = "pdf_unavailable"
    http_status = 503


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        raise PdfUnavailable("服务器未安装 LibreOffice，无法生成 PDF（请安装 libreoffice-writer）")
    return found


def to_pdf(files: list[GeneratedFile]) -> list[GeneratedFile]:
    """The same documents as PDF, in the same order."""
    if not files:
        return []
    with tempfile.TemporaryDirectory(prefix="pingxuan-pdf-") as tmp:
        work = Path(tmp)
        names = []
        for i, f in enumerate(files):
            name = f"{i:05d}.{f.extension}"  # ASCII names: the originals may repeat or be long
            (work / name).write_bytes(f.content)
            names.append(name)
        profile = (work / "profile").as_uri()
        result = subprocess.run(
            [soffice(), f"-env:UserInstallation={profile}", "--headless", "--norestore",
             "--convert-to", "pdf", "--outdir", str(work / "out"), *names],
            cwd=work, capture_output=True, timeout=TIMEOUT_SECONDS)
        out = []
        for f, name in zip(files, names):
            pdf = work / "out" / (name.rsplit(".", 1)[0] + ".pdf")
            if not pdf.exists():
                raise PingxuanError(f"PDF 转换失败：{f.file_name}（{result.stderr.decode(errors='replace')[-300:]}）")
            out.append(GeneratedFile(f.file_name.rsplit(".", 1)[0] + ".pdf", pdf.read_bytes()))
        return out
