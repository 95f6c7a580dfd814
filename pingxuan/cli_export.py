"""`pingxuan export …`: the printed documents of a candidate, a campaign or a posting, written to
--out (a file, or a folder where the document's own name is used). The CLI is an operator on the
server, so it prints every unit's documents."""
from __future__ import annotations

from pathlib import Path

import click

from engine.errors import PingxuanError
from engine.people.access import Principal

OPERATOR = Principal(0, "cli", "admin")


def _write(generated, out: Path | None) -> Path:
    target = out or Path.cwd()
    if target.is_dir() or str(target).endswith("/"):
        target.mkdir(parents=True, exist_ok=True)
        target = target / generated.file_name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(generated.content)
    return target


def _run(ctx: click.Context, kind: str, target: str, fmt: str | None, out: Path | None, **options) -> None:
    from engine.documents.export import export as export_document

    try:
        generated = export_document(ctx.obj["ctx"].services(), OPERATOR, kind, target, fmt, **options)
    except PingxuanError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"已生成：{_write(generated, out)}")


_FORMAT = click.option("--format", "fmt", type=click.Choice(["docx", "pdf", "xlsx", "zip"]), default=None,
                       help="文件格式（默认为该材料的首选格式）")
_OUT = click.option("--out", type=click.Path(path_type=Path), default=None, help="输出文件或目录（默认当前目录）")


@click.group()
def export() -> None:
    """导出打印材料：推荐审批表、汇总表、征求意见表、公示、工作情况报告、照片。"""


@export.command("approval-form")
@click.argument("candidate")
@_FORMAT
@_OUT
@click.pass_context
def approval_form(ctx, candidate, fmt, out):
    """推荐对象的推荐审批表（docx 或 pdf）。"""
    _run(ctx, "approval-form", candidate, fmt, out)


@export.command("opinion-forms")
@click.argument("candidate")
@click.option("--department", default=None, help="只导出该部门的征求意见表")
@_FORMAT
@_OUT
@click.pass_context
def opinion_forms(ctx, candidate, department, fmt, out):
    """推荐对象的征求意见表（docx 或 pdf）。"""
    _run(ctx, "opinion-forms", candidate, fmt, out, department=department)


@export.command("summary")
@click.argument("campaign")
@click.option("--unit", default=None, help="只导出该推荐单位的汇总表")
@_FORMAT
@_OUT
@click.pass_context
def summary(ctx, campaign, unit, fmt, out):
    """推荐对象汇总表（xlsx），按推荐顺序。"""
    _run(ctx, "summary", campaign, fmt, out, unit=unit)


@export.command("publicity")
@click.argument("posting")
@_FORMAT
@_OUT
@click.pass_context
def publicity(ctx, posting, fmt, out):
    """一次公示的公示通知（docx 或 pdf）；公示编号见 `pingxuan export postings`。"""
    _run(ctx, "publicity", posting, fmt, out)


@export.command("postings")
@click.argument("campaign")
@click.pass_context
def postings(ctx, campaign):
    """列出评选活动的各次公示及其编号。"""
    from engine.documents.export import list_postings

    try:
        found = list_postings(ctx.obj["ctx"].services(), OPERATOR, campaign)
    except PingxuanError as exc:
        raise click.ClickException(exc.message) from exc
    for p in found:
        click.echo(f"{p.id}\t{p.title}\t{p.unit or ''}\t{p.start}至{p.last_day}\t{p.candidates}个推荐对象")


@export.command("decision")
@click.argument("campaign")
@_FORMAT
@_OUT
@click.pass_context
def decision(ctx, campaign, fmt, out):
    """表彰名单（docx 或 pdf）。"""
    _run(ctx, "decision", campaign, fmt, out)


@export.command("report")
@click.argument("campaign")
@_FORMAT
@_OUT
@click.pass_context
def report(ctx, campaign, fmt, out):
    """推荐工作情况报告初稿（docx 或 pdf），据评选历史生成。"""
    _run(ctx, "report", campaign, fmt, out)


@export.command("photos")
@click.argument("campaign")
@click.option("--unit", default=None, help="只导出该推荐单位的照片")
@_OUT
@click.pass_context
def photos(ctx, campaign, unit, out):
    """推荐对象照片（zip），按通知要求命名。"""
    _run(ctx, "photos", campaign, "zip", out, unit=unit)


@export.command("all")
@click.argument("campaign")
@click.option("--pdf", "with_pdf", is_flag=True, help="同时为每份 docx 生成 PDF")
@_OUT
@click.pass_context
def everything(ctx, campaign, with_pdf, out):
    """评选活动的全部材料（zip），显示进度。"""
    from engine.documents.bundle import campaign_bundle

    def progress(done: int, total: int) -> None:
        if done == total or done % 50 == 0:
            click.echo(f"进度：{done}/{total}", err=True)

    try:
        generated = campaign_bundle(ctx.obj["ctx"].services(), OPERATOR, campaign, with_pdf, progress)
    except PingxuanError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"已生成：{_write(generated, out)}")
